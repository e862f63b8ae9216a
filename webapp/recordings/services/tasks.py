"""Task segments: a researcher marks what the participant was doing when (by hand, or from a CSV of markers).

Times are seconds from the start of the recording; the CSV also takes `hh:mm:ss(.f)` or `mm:ss`. Every segment must
lie within the recording and end after it starts. A CSV is checked whole: one bad line and nothing is added, with
every problem listed by line.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from webapp.accounts.models import User
from webapp.recordings.models import Recording, TaskSegment

MAX_CSV_BYTES = 1024 * 1024
MAX_TASKS = 1000
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")
_COLUMNS = ("task", "start", "end")


@dataclass(frozen=True)
class SegmentInput:
    """One segment as a person typed it, before it is checked."""

    name: str
    start_s: float
    end_s: float


def parse_time(text: str) -> float:
    """Seconds from `12.5`, `01:02` (mm:ss) or `1:02:03.5` (hh:mm:ss); ValueError otherwise."""
    text = text.strip()
    match = _CLOCK.match(text)
    if match:
        hours, minutes, seconds = match.groups()
        if int(minutes) >= 60 or float(seconds) >= 60:
            raise ValueError(f"{text!r} is not a time: minutes and seconds go up to 59")
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time: write seconds (75.5) or hh:mm:ss (00:01:15.5)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a time")
    return value


def _problems(segment: SegmentInput, duration: float | None) -> list[str]:
    found = []
    if not segment.name.strip():
        found.append("the task has no name")
    if segment.start_s < 0:
        found.append(f"start {segment.start_s:g} s is before the recording begins")
    if segment.end_s <= segment.start_s:
        found.append(f"end {segment.end_s:g} s is not after start {segment.start_s:g} s")
    if duration is not None and segment.end_s > duration + 0.5:
        found.append(f"end {segment.end_s:g} s is beyond the recording's {duration:g} s")
    return found


@transaction.atomic
def task_segment_create(*, recording: Recording, user: User | None, segment: SegmentInput) -> TaskSegment:
    """Add one task segment to a recording."""
    problems = _problems(segment, recording.duration_s)
    if problems:
        raise ValidationError("; ".join(problems).capitalize() + ".")
    _check_room(recording, 1)
    task = TaskSegment(
        recording=recording, name=segment.name.strip()[:200], start_s=segment.start_s, end_s=segment.end_s,
        created_by=user,
    )  # fmt: skip
    task.full_clean()
    task.save()
    return task


def _check_room(recording: Recording, adding: int) -> None:
    if recording.tasks.count() + adding > MAX_TASKS:
        raise ValidationError(f"A recording holds at most {MAX_TASKS:,} task segments.")


def task_segments_parse_csv(data: bytes, *, duration: float | None) -> list[SegmentInput]:
    """The segments of a `task,start,end` CSV, or a ValidationError listing every problem by line."""
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(f"The CSV is over {MAX_CSV_BYTES // 1024:,} KB; a task list is far smaller.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save the task list as CSV (UTF-8).") from None
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header[:3] != list(_COLUMNS):
        raise ValidationError(f"The first line must be the header task,start,end; it is {','.join(header) or 'empty'}.")
    segments, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        segment, found = _segment_of(row, duration)
        problems += [f"line {line}: {problem}" for problem in found]
        if segment is not None:
            segments.append(segment)
    if problems:
        raise ValidationError(problems[:50])
    if not segments:
        raise ValidationError("The CSV has a header but no tasks.")
    return segments


def _segment_of(row: list[str], duration: float | None) -> tuple[SegmentInput | None, list[str]]:
    if len(row) < 3:
        return None, [f"expected 3 columns (task,start,end), got {len(row)}"]
    try:
        segment = SegmentInput(name=row[0].strip(), start_s=parse_time(row[1]), end_s=parse_time(row[2]))
    except ValueError as error:
        return None, [str(error)]
    return segment, _problems(segment, duration)


@transaction.atomic
def task_segments_import(*, recording: Recording, user: User | None, data: bytes) -> list[TaskSegment]:
    """Add every segment of a CSV, or none of them."""
    segments = task_segments_parse_csv(data, duration=recording.duration_s)
    _check_room(recording, len(segments))
    return [task_segment_create(recording=recording, user=user, segment=segment) for segment in segments]


def task_segment_delete(*, task: TaskSegment) -> None:
    """Remove one task segment."""
    task.delete()
