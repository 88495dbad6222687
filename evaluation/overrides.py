"""``--set GROUP.FIELD=VALUE``: override a KB's settings for one evaluation run."""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence


def _parse_value(text: str, old: object) -> object:
    """``text`` as a value of the type of ``old`` (str, bool as 1/true/yes, or a number)."""
    if isinstance(old, str):
        return text
    if isinstance(old, bool):
        return text.lower() in ("1", "true", "yes")
    return type(old)(text)


def apply_settings(kb, assignments: Sequence[str]) -> Callable[[], None]:
    """Override KB settings for an eval run (``search.rrf_k=30``); returns a function restoring them.

    NAME is ``GROUP.FIELD`` of the KB's public ``settings`` (``index.kb.KBSettings``: groups
    ``search``, ``lexical``, ``dense``). Only ``search.*`` takes effect without a rebuild.
    Raises ValueError naming the bad assignment.
    """
    original = kb.settings
    current = original
    for a in assignments:
        name, sep, value = a.partition("=")
        group, _, field_name = name.partition(".")
        sub = getattr(current, group, None) if sep and field_name else None
        if sub is None or not dataclasses.is_dataclass(sub):
            raise ValueError(f"--set {a}: write GROUP.FIELD=VALUE, e.g. search.rrf_k=30")
        fields = {f.name for f in dataclasses.fields(sub)}
        if field_name not in fields:
            raise ValueError(f"--set {a}: unknown field; {group} has {', '.join(sorted(fields))}")
        new = _parse_value(value, getattr(sub, field_name))
        current = dataclasses.replace(current, **{group: dataclasses.replace(sub, **{field_name: new})})
    kb.settings = current
    return lambda: setattr(kb, "settings", original)
