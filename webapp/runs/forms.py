"""The job form: the choices a person makes; kdcore's `TrainConfig` judges the values, all of them at once."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kdcore.config import ANY_WIDTH_MODEL
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion
from webapp.runs import selectors
from webapp.runs.configs import (
    DEFAULTS,
    DEVICE_CHOICES,
    INPUT_SIZE_CHOICES,
    MODEL_CHOICES,
    NON_FIELD,
    SETTING_NAMES,
    train_config_build,
)
from webapp.runs.models import Run


def teacher_label(run: Run) -> str:
    """How a teacher appears in the list: its job, model, accuracy and data."""
    accuracy = f" · {run.accuracy:.1%}" if run.accuracy is not None else ""
    return f"Job #{run.pk}: {run.model_label}{accuracy} · {run.dataset_version}"


class RunForm(forms.Form):
    """Train a model from labels, or distil a student from a finished job's checkpoint."""

    dataset_version = forms.ModelChoiceField(
        queryset=DatasetVersion.objects.none(),
        label="Dataset version",
        empty_label="Pick a dataset version",
        error_messages={
            "required": "Pick the dataset version to train on.",
            "invalid_choice": "That dataset version is not your team's: pick one from the list.",
        },
    )
    model = forms.ChoiceField(  # the page's script shows the width field for the model that data-any-width names
        choices=MODEL_CHOICES, initial=DEFAULTS["model"], widget=forms.Select(attrs={"data-any-width": ANY_WIDTH_MODEL})
    )
    width_mult = forms.FloatField(
        required=False, label="Width", help_text="Fraction of the teacher's channels it keeps: above 0, at most 1."
    )
    teacher = forms.ModelChoiceField(
        queryset=Run.objects.none(),
        required=False,
        label="Distil from",
        empty_label="No teacher: train from the labels alone",
        help_text="A finished job of your team that trained without a teacher.",
    )
    temperature = forms.FloatField(label="Temperature T", initial=DEFAULTS["temperature"])
    alpha = forms.FloatField(label="α", initial=DEFAULTS["alpha"], help_text="Weight of the KD term; 1 − α goes to CE.")
    epochs = forms.IntegerField(initial=DEFAULTS["epochs"])
    batch_size = forms.IntegerField(label="Batch size", initial=DEFAULTS["batch_size"])
    lr = forms.FloatField(label="Learning rate", initial=DEFAULTS["lr"])
    seed = forms.IntegerField(initial=DEFAULTS["seed"])
    device = forms.ChoiceField(choices=DEVICE_CHOICES, initial=DEFAULTS["device"])
    input_size = forms.TypedChoiceField(
        choices=INPUT_SIZE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial=DEFAULTS["input_size"],
        label="Input size",
        help_text=(
            "Faces are resized to this side. On FER2013 128 px was ~2 points more accurate than 64 px; "
            "160 px gained up to 0.4 more and takes 1.35× the time per face."
        ),
    )
    time_limit_min = forms.FloatField(
        required=False,
        label="Time limit (minutes)",
        help_text="Optional: after two epochs the job plans as many of its epochs as fit in this time.",
    )

    def __init__(self, *args: Any, team: Team | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = (
            DatasetVersion.objects.filter(team=team).select_related("dataset").order_by("dataset__name", "-number")
        )
        # ignore[attr-defined] (three): django-stubs types Form.fields as plain Fields; these two are the
        # ModelChoiceFields declared above, whose queryset and label_from_instance are set per form.
        self.fields["dataset_version"].queryset = versions  # type: ignore[attr-defined]
        teacher = self.fields["teacher"]
        teacher.queryset = selectors.run_teacher_choices(team=team)  # type: ignore[attr-defined]
        teacher.label_from_instance = teacher_label  # type: ignore[attr-defined]

    def settings(self) -> dict[str, Any]:
        """The values kdcore validates, by `SETTING_NAMES`."""
        return {name: self.cleaned_data.get(name) for name in SETTING_NAMES}

    def clean(self) -> dict[str, Any]:
        """Ask kdcore about every setting now, so one submit shows every problem (not the dataset's first).

        The service asks again before it stores the job; a field Django already refused keeps its own message.
        """
        cleaned = super().clean() or {}
        teacher = cleaned.get("teacher")
        try:
            train_config_build(
                settings=self.settings(), teacher_checkpoint=teacher.checkpoint_path if teacher else None, on_cpu=False
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field == NON_FIELD or field not in self.errors:
                    self.add_error(None if field == NON_FIELD else field, messages)
        return cleaned
