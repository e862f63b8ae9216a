"""API tokens moved to django-rest-knox, which stores only a hash of each: the old table held every token in plain
text, so it is dropped (a database that never had it is left as it is). Scripts ask POST /api/auth/token/ again."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop)]
