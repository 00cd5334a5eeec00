"""File paths as flow parameters, losslessly: Prefect stores parameters as JSON text.

A name that is not valid UTF-8 reaches Python as a str with surrogate
escapes, which JSON (and so Prefect's API) cannot carry. Such a path travels
as `fsbytes:` + the URL-safe base64 of its bytes and is turned back into the
same str in the flow; every other path travels as it is.
"""
from __future__ import annotations

import base64
import os

PREFIX = "fsbytes:"


def to_parameter(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return PREFIX + base64.urlsafe_b64encode(os.fsencode(text)).decode("ascii")


def from_parameter(value: str) -> str:
    if value.startswith(PREFIX):
        try:
            return os.fsdecode(base64.urlsafe_b64decode(value[len(PREFIX):].encode("ascii")))
        except ValueError:
            return value
    return value
