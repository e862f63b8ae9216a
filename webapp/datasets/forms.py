"""Forms of the dataset pages: the upload (new dataset or new version) and the gallery's filters."""

from django import forms

from webapp.datasets.models import CLASS_NAMES, DESCRIPTION_MAX_LENGTH, SPLIT_NAMES

ACCEPTED = ".csv,.zip,.tar,.tgz,.gz,.bz2,.xz"
FILE_HELP = (
    "A FER2013 .csv (emotion,pixels,Usage), or a .zip or .tar(.gz/.bz2/.xz) of folders named by emotion "
    "([train|val|test/]angry/…), or a RAF-DB basic zip (EmoLabel/, Image/aligned/)."
)


class VersionUploadForm(forms.Form):
    """A file for the next version of a dataset."""

    file = forms.FileField(label="File", help_text=FILE_HELP, widget=forms.FileInput(attrs={"accept": ACCEPTED}))


class DatasetUploadForm(VersionUploadForm):
    """A new dataset: its name, and the file of its first version."""

    name = forms.CharField(label="Name", max_length=100, help_text="Unique within your team, e.g. FER2013.")
    description = forms.CharField(label="Description", required=False, max_length=DESCRIPTION_MAX_LENGTH)

    field_order = ("name", "file", "description")


class GalleryFilterForm(forms.Form):
    """Which faces the gallery shows: a class, a split, or all."""

    label = forms.ChoiceField(
        label="Class", required=False, choices=[("", "All classes")] + [(n, n) for n in CLASS_NAMES]
    )
    split = forms.ChoiceField(
        label="Split", required=False, choices=[("", "All splits")] + [(n, n) for n in SPLIT_NAMES]
    )

    def codes(self) -> tuple[int | None, int | None]:
        """(label, split) codes, None for "all"; an invalid choice also means "all"."""
        if not self.is_valid():
            return None, None
        label, split = self.cleaned_data.get("label"), self.cleaned_data.get("split")
        return (CLASS_NAMES.index(label) if label else None, SPLIT_NAMES.index(split) if split else None)
