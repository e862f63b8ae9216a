"""Share links: a read-only report for people without an account, as long as nobody revokes the link."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webapp.accounts.models import User
from webapp.recordings.models import Analysis, ShareLink


@transaction.atomic
def share_link_create(*, analysis: Analysis, user: User | None) -> ShareLink:
    """A new unguessable link (256 random bits) to the report of a finished analysis."""
    if analysis.status != Analysis.Status.SUCCEEDED:
        raise ValidationError(f"Analysis #{analysis.pk} has no report to share yet ({analysis.get_status_display()}).")
    return ShareLink.objects.create(analysis=analysis, created_by=user)


@transaction.atomic
def share_link_revoke(*, link: ShareLink) -> ShareLink:
    """Stop a link from working, at once and for good."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=("revoked_at",))
    return link
