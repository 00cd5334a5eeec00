"""Typed parameters and the signatures derived from them.

Every number that changes xlalign's output is a field of a frozen dataclass
declared with `param`, which carries its reason (and, where it is shorter,
the abbreviation used in signatures). The reproducibility signature stored
with every translation, pairing and alignment row is then *derived* from the
object's own fields, as sacrebleu derives its signature from a metric's
settings: a field cannot be forgotten in it, and a renamed or mistyped
parameter is an error instead of a silent default.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Knobs(Params):
    ...     width: int = param(8, why="half-width of the search band", abbr="band")
    ...     skip: float = param(3.0, why="cost of leaving a sentence unaligned")
    >>> Knobs().signature_items()
    [('band', '8'), ('skip', '3')]
    >>> Knobs.from_mapping({"widht": 4})
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter 'widht' for Knobs; known: skip, width
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

T = TypeVar("T", bound="Params")


def param(default: Any, *, why: str, abbr: str | None = None, speed_only: bool = False,
          dev: tuple[str, ...] = ()) -> Any:
    """A dataclass field with its reason (`why`) and signature abbreviation (`abbr`, default: its name).

    `speed_only`: the value changes how fast, never what (threads, batch
    sizes); it is left out of signatures, so tuning speed keeps results
    comparable. `dev`: the development sets whose measurements support the
    value (`Params.evidence`), so a change can be checked against all of them.
    """
    metadata = {"why": why, "abbr": abbr, "speed_only": speed_only, "dev": tuple(dev)}
    if isinstance(default, (dict, list, set)):
        raise TypeError("mutable defaults are not parameters: use a tuple or a nested Params")
    if dataclasses.is_dataclass(default):
        return dataclasses.field(default_factory=lambda: default, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ",".join(_format_value(v) for v in value)
    return "none" if value is None else str(value)


class Params:
    """Mixin for frozen dataclasses of parameters (declare fields with `param`)."""

    @classmethod
    def from_mapping(cls: type[T], values: Mapping[str, Any]) -> T:
        """Build from a mapping (e.g. JSON read back); an unknown name is an error, not a silent default."""
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r} for {cls.__name__}; known: {', '.join(sorted(fields))}")
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            default = fields[name].default
            factory = fields[name].default_factory
            template = factory() if factory is not dataclasses.MISSING else default
            if isinstance(template, Params) and isinstance(value, Mapping):
                value = type(template).from_mapping(value)
            elif isinstance(template, tuple) and isinstance(value, list):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            kwargs[name] = value
        return cls(**kwargs)

    def with_changes(self: T, **changes: Any) -> T:
        """A copy with some fields changed (an unknown name raises TypeError, as `dataclasses.replace`)."""
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable values of every field, nested parameters as nested dicts."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            out[f.name] = value.as_dict() if isinstance(value, Params) else value
        return out

    def leaves(self, prefix: str = "") -> Iterator[tuple[str, str, Any]]:
        """(dotted name, dotted abbreviation, value) of every leaf field that can change output, in order."""
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.metadata.get("speed_only"):
                continue
            value = getattr(self, f.name)
            abbr = f.metadata.get("abbr") or f.name
            if isinstance(value, Params):
                for name, short, leaf in value.leaves():
                    yield f"{prefix}{f.name}.{name}", f"{abbr}.{short}", leaf
            else:
                yield f"{prefix}{f.name}", abbr, value

    def signature_items(self) -> list[tuple[str, str]]:
        """(abbreviation, formatted value) of every leaf field: the body of a signature."""
        return [(short, _format_value(value)) for _, short, value in self.leaves()]

    @classmethod
    def reasons(cls) -> dict[str, str]:
        """Field name -> why it exists (the `why` given to `param`), for documentation and tests."""
        return {f.name: f.metadata.get("why", "") for f in dataclasses.fields(cls)}  # type: ignore[arg-type]

    @classmethod
    def evidence(cls) -> dict[str, tuple[str, ...]]:
        """Field name -> the development sets that support its value (the `dev` given to `param`)."""
        return {f.name: f.metadata.get("dev", ()) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]


def format_signature(head: list[tuple[str, str]], params: Params | None, version: str) -> str:
    """`key:value|...`: what was run (`head`), every parameter, then the version, last as in sacrebleu."""
    items = list(head) + (params.signature_items() if params is not None else []) + [("v", version)]
    return "|".join(f"{k}:{v}" for k, v in items)
