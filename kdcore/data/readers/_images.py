"""Decoding one image file into a uint8 [S, S] grayscale array with Pillow."""

import io

import numpy as np
from PIL import Image

from kdcore.filenames import IMAGE_EXTENSIONS, is_image_name

__all__ = ["IMAGE_EXTENSIONS", "UnreadableImageError", "decode_gray", "is_image_name", "resize_gray"]


class UnreadableImageError(Exception):
    """An image file that Pillow cannot decode; readers skip it and record the message."""


def decode_gray(data: bytes, size: int) -> np.ndarray:
    """Decode image bytes to grayscale ``L`` at [size, size].

    ``draft`` lets the JPEG decoder emit luma at a reduced DCT scale, which skips colour conversion and most of the
    work for large photos. Non-square images are stretched, like ``torchvision``'s ``Resize((S, S))``: face datasets
    ship crops that are already square or nearly so.

    Raises:
        UnreadableImageError: for corrupt, truncated or non-image bytes.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("L", (size, size))
            gray = image if image.mode == "L" else image.convert("L")
            return np.asarray(resize_gray(gray, size), dtype=np.uint8)
    except Exception as exc:  # Pillow's format plugins raise many exception types on malformed input.
        raise UnreadableImageError(f"unreadable image ({type(exc).__name__}: {exc})") from exc


def resize_gray(image: Image.Image, size: int) -> Image.Image:
    """Resize to [size, size] unless already there (FER2013's 48x48 stays bit-exact at the default size).

    Pillow's BILINEAR widens its filter when shrinking, so downscaling averages over the covered area instead of
    aliasing the way a plain 2x2 bilinear lookup would.
    """
    if image.size == (size, size):
        return image
    return image.resize((size, size), Image.Resampling.BILINEAR)
