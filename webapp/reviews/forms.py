"""The Review pages' forms: start a label-quality job (sent to the API by the page's script), filter the reviewer.

Their defaults and bounds are the API's own (`services.DEFAULT_SETTINGS`, `MIN_FOLDS`/`MAX_FOLDS`, the job form's
choices), so the page never offers what the API refuses; the API's answer is what the page shows.
"""

from django import forms

from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES
from webapp.reviews import services
from webapp.runs.configs import INPUT_SIZE_CHOICES, MODEL_CHOICES

DEVICE_CHOICES = (("auto", "Auto: a GPU worker, else a CPU one"), ("cuda", "GPU only"), ("cpu", "CPU"))
_CLASSES = [("", "any")] + [(str(index), name) for index, name in enumerate(CLASS_NAMES)]


class ScoringForm(forms.Form):
    """A label-quality job: k folds, each a model trained on the other folds that scores the faces it never saw."""

    folds = forms.IntegerField(
        initial=4, min_value=services.MIN_FOLDS, max_value=services.MAX_FOLDS,
        help_text="Each face is scored by a model trained without it; more folds: more training per fold.",
    )  # fmt: skip
    model = forms.ChoiceField(choices=MODEL_CHOICES, initial=services.DEFAULT_SETTINGS["model"])
    epochs = forms.IntegerField(initial=services.DEFAULT_SETTINGS["epochs"], min_value=1, max_value=1000)
    input_size = forms.TypedChoiceField(
        label="Input size", choices=INPUT_SIZE_CHOICES, coerce=int, initial=services.DEFAULT_SETTINGS["input_size"]
    )
    device = forms.ChoiceField(choices=DEVICE_CHOICES, initial="auto")


class FaceFilterForm(forms.Form):
    """Which faces the reviewer walks through; the page's script reads the same names from the URL for the API."""

    given = forms.ChoiceField(label="Given label", choices=_CLASSES, required=False)
    predicted = forms.ChoiceField(label="Predicted", choices=_CLASSES, required=False)
    split = forms.ChoiceField(
        choices=[("", "any")] + [(str(index), name) for index, name in enumerate(SPLIT_NAMES)], required=False
    )
    min_score = forms.FloatField(label="Score from", min_value=0, max_value=1, required=False)
    max_score = forms.FloatField(label="to", min_value=0, max_value=1, required=False)
    reviewed = forms.ChoiceField(
        choices=(("", "all faces"), ("false", "not reviewed yet"), ("true", "reviewed")), required=False
    )
    scoring = forms.IntegerField(widget=forms.HiddenInput, required=False)
    run = forms.IntegerField(widget=forms.HiddenInput, required=False)
