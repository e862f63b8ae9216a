"""The canonical 7 emotion classes and the folder-name synonyms that map onto them.

Every reader maps its labels onto FER2013's order, so a model trained on one dataset can be evaluated on another
without a label remap.
"""

from collections.abc import Mapping

CLASS_NAMES: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
NUM_CLASSES = len(CLASS_NAMES)

# Folder names seen in public re-packagings (FER2013, RAF-DB, CK+ exports, Roboflow). Left out on purpose: "calm"
# (RAVDESS keeps calm apart from neutral), "contempt" (no FER2013 class) and digit folders, because 0-6 means FER2013
# order in some uploads and 1-7 means RAF-DB order in others; guessing would silently swap classes.
EMOTION_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "angry": ("anger", "mad"),
    "disgust": ("disgusted",),
    "fear": ("fearful", "scared", "afraid"),
    "happy": ("happiness", "joy"),
    "sad": ("sadness",),
    "surprise": ("surprised",),
    "neutral": (),
}

_INDEX_BY_NAME: dict[str, int] = {
    alias: index for index, name in enumerate(CLASS_NAMES) for alias in (name, *EMOTION_SYNONYMS[name])
}


def emotion_index(name: str) -> int | None:
    """Canonical class index for a folder or label name (case-insensitive), or None when it is not an emotion."""
    return _INDEX_BY_NAME.get(name.strip().lower())


def describe_emotion_names() -> str:
    """Accepted names for error messages, e.g. ``angry (anger, mad), disgust (disgusted), ...``."""
    return ", ".join(
        f"{name} ({', '.join(EMOTION_SYNONYMS[name])})" if EMOTION_SYNONYMS[name] else name for name in CLASS_NAMES
    )
