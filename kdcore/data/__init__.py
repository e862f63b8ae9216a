"""Face datasets for kdcore: readers for FER2013 (CSV or image folders), emotion folders and RAF-DB.

Everything here is numpy + Pillow, so ``import kdcore.data`` stays light enough for the web process.
"""

from kdcore.data.arrays import FaceArrays, FaceRecord, SkippedItem, split_checksum
from kdcore.data.classes import CLASS_NAMES, EMOTION_SYNONYMS, NUM_CLASSES, emotion_index
from kdcore.data.errors import DatasetError
from kdcore.data.readers import Progress, read_faces, read_fer2013_csv
from kdcore.data.readers.rafdb import RAFDB_CLASS_NAMES
from kdcore.data.splits import (
    SPLIT_NAMES,
    TEST,
    TRAIN,
    VAL,
    leave_out_fold,
    stratified_folds,
    train_folds,
    validation_mask,
    validation_split,
)

__all__ = [
    "CLASS_NAMES",
    "EMOTION_SYNONYMS",
    "NUM_CLASSES",
    "RAFDB_CLASS_NAMES",
    "SPLIT_NAMES",
    "TEST",
    "TRAIN",
    "VAL",
    "DatasetError",
    "FaceArrays",
    "FaceRecord",
    "Progress",
    "SkippedItem",
    "emotion_index",
    "leave_out_fold",
    "read_faces",
    "read_fer2013_csv",
    "split_checksum",
    "stratified_folds",
    "train_folds",
    "validation_mask",
    "validation_split",
]
