"""The API's JSON parser: DRF's, with a nesting limit. Kept apart from webapp.api, which imports DRF's views (whose
class body reads DEFAULT_PARSER_CLASSES, naming this module)."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Deeper than any body the API takes; Python's own JSON decoder fails with RecursionError (a 500) near 1,000.
MAX_JSON_DEPTH = 32


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_JSON_DEPTH with a 400 instead of a RecursionError."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
        else:
            if not _nested_deeper_than(data, MAX_JSON_DEPTH):
                return data
        raise exceptions.ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep.")


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects inside `value` nest more than `limit` levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
