"""A contact sheet of faces with a caption under each, for a person to judge a ranking by eye."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CAPTION_H = 26


def contact_sheet(
    faces: np.ndarray,
    captions: Sequence[tuple[str, str]],
    *,
    marked: Sequence[bool] | np.ndarray | None = None,
    columns: int = 10,
    scale: int = 2,
    title: str = "",
) -> Image.Image:
    """Faces uint8 [M, S, S] in a grid, each scaled ``scale``× with two caption lines under it.

    ``marked`` faces get a red frame (the benchmark marks the labels it flipped itself).
    """
    side = faces.shape[1] * scale
    rows = -(-len(faces) // columns)
    top = 20 if title else 0
    sheet = Image.new("RGB", (columns * (side + 4), top + rows * (side + CAPTION_H + 4)), "white")
    draw, font = ImageDraw.Draw(sheet), ImageFont.load_default()
    if title:
        draw.text((4, 4), title, fill="black", font=font)
    for index, face in enumerate(faces):
        x, y = (index % columns) * (side + 4) + 2, top + (index // columns) * (side + CAPTION_H + 4) + 2
        tile = Image.fromarray(face).resize((side, side), Image.Resampling.NEAREST).convert("RGB")
        sheet.paste(tile, (x, y))
        if marked is not None and marked[index]:
            draw.rectangle((x - 2, y - 2, x + side + 1, y + side + 1), outline="red", width=2)
        first, second = captions[index]
        draw.text((x, y + side + 1), first, fill="black", font=font)
        draw.text((x, y + side + 13), second, fill="black", font=font)
    return sheet
