"""Looking for a customer's personal strings left in the kiosk after their session ended.

Every encoding the code uses is searched: ``str``; UTF-8 and GB18030 bytes (HTTP bodies,
receipts); UCS-2 little-endian bytes, as the ID card returns its text. Masked forms do not
contain the whole string, so they never match.

Python side: every object the collector tracks is walked and each ``str``/``bytes``/
``bytearray`` it refers to (its own fields, a dict's keys and values, a list's items...) is
searched. Objects frozen at start-up (ui/heap.py) are invisible to ``gc.get_objects``, yet a
frozen dict may hold a string set later, so a *whole-heap* scan unfreezes the heap, collects
and freezes it again; dicts and tuples the collector stopped tracking (they hold only atoms)
are reached through whatever holds them.

Every scan ends by freezing what is alive, so an *incremental* scan (``whole_heap=False``)
walks only the objects made since the last scan: everything a session built and kept. Its
blind spot is a new string stored in an object older than the last scan (an attribute set on a
screen built at start-up); the soak runs a whole-heap scan every few journeys, so a leak that
recurs (every leak found so far did, session after session) is still caught.
Qt side: the text of every widget (labels, buttons, line edits, lists, combo boxes, tool tips).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtWidgets import QApplication, QComboBox, QListWidget, QWidget


@dataclass(frozen=True)
class Needles:
    """One customer's personal strings in every encoding."""

    label: str
    texts: tuple[str, ...]
    blobs: tuple[bytes, ...]

    @classmethod
    def of(cls, label: str, *values: str) -> Needles:
        texts = tuple(v for v in values if v)
        blobs: set[bytes] = set()
        for text in texts:
            for encoding in ("utf-8", "gb18030", "utf-16-le"):
                blobs.add(text.encode(encoding))
        blobs.update(text.encode("utf-16-le") for text in texts)
        return cls(label, texts, tuple(sorted(blobs)))


@dataclass(frozen=True)
class Finding:
    where: str  # the type of the object holding it
    what: str  # which needle (never the value itself: the report must stay clean too)


def _describe(holder: object, ref: object) -> str:
    """Where a value sits: ``dict['key']`` (a dict is usually an instance's ``__dict__``)."""
    if isinstance(holder, dict):
        owners = [
            type(o).__qualname__
            for o in gc.get_referrers(holder)
            if getattr(o, "__dict__", None) is holder
        ]
        owner = owners[0] if owners else "dict"
        for key, value in holder.items():
            if value is ref:
                return f"{owner}[{key!r}]"
            if key is ref:
                return "dict key"
    # Who holds the holder (a closure cell, a screen attribute...): two steps up.
    chain = [type(holder).__qualname__]
    current: object = holder
    for _ in range(3):
        parents = [p for p in gc.get_referrers(current) if not isinstance(p, list | tuple)]
        parents = [p for p in parents if type(p).__name__ not in ("frame", "generator")]
        if not parents:
            break
        current = parents[0]
        chain.append(
            _describe_dict(current) if isinstance(current, dict) else type(current).__qualname__
        )
    return " <- ".join(chain)


def _describe_dict(holder: dict[object, object]) -> str:
    owners = [
        type(o).__qualname__
        for o in gc.get_referrers(holder)
        if getattr(o, "__dict__", None) is holder
    ]
    keys = [k for k in list(holder)[:4] if isinstance(k, str)]
    return f"{owners[0] if owners else 'dict'}{keys}"


def python_findings(
    needles: Needles, exclude: Iterable[object] = (), *, whole_heap: bool = True
) -> list[Finding]:
    """Objects reachable in the kiosk process holding a needle (after a collection): all of
    them, or with ``whole_heap=False`` those made since the last scan.

    A fast pass first: every string and byte string any tracked object refers to, joined with
    NUL (no needle holds one, so no match spans two of them) and searched in C. Only when it
    finds something does the slow pass walk object by object to name the holder.
    """
    skip = {id(o) for o in exclude} | {id(needles), id(needles.texts), id(needles.blobs)}
    own = {id(n) for n in needles.texts} | {id(b) for b in needles.blobs}
    if whole_heap:
        gc.unfreeze()
    gc.collect()
    try:
        holders = [o for o in gc.get_objects() if id(o) not in skip]
        refs = gc.get_referents(*holders)
        # The collector stops tracking dicts and tuples that hold only atoms (strings, bytes,
        # numbers): invisible to get_objects, they are reached through their holders here.
        untracked = _untracked_containers(refs, skip)
        holders += untracked
        refs += gc.get_referents(*untracked)
        texts = "\0".join(r for r in refs if type(r) is str and id(r) not in own)
        blobs = b"\0".join(
            r for r in refs if (type(r) is bytes or type(r) is bytearray) and id(r) not in own
        )
        hit = any(t in texts for t in needles.texts) or any(b in blobs for b in needles.blobs)
        del refs, texts, blobs
        return _holders(needles, holders, own) if hit else []
    finally:
        gc.freeze()


def _untracked_containers(refs: list[object], skip: set[int]) -> list[object]:
    found: list[object] = []
    seen: set[int] = set()
    layer = refs
    while layer:
        nxt = [
            r
            for r in layer
            if type(r) in (dict, tuple, list)
            and not gc.is_tracked(r)
            and id(r) not in seen
            and id(r) not in skip
        ]
        seen.update(id(r) for r in nxt)
        found += nxt
        layer = gc.get_referents(*nxt) if nxt else []
    return found


def _holders(needles: Needles, holders: list[object], own: set[int]) -> list[Finding]:
    found: list[Finding] = []
    for holder in holders:
        for ref in gc.get_referents(holder):
            if id(ref) in own:
                continue
            kind = type(ref)
            if kind is str:
                for i, text in enumerate(needles.texts):
                    if text in ref:  # type: ignore[operator]
                        found.append(Finding(_describe(holder, ref), f"{needles.label}[{i}] str"))
            elif kind is bytes or kind is bytearray:
                for i, blob in enumerate(needles.blobs):
                    if blob in ref:  # type: ignore[operator]
                        found.append(Finding(_describe(holder, ref), f"{needles.label}<{i}> bytes"))
    return found


def _widget_texts(widget: QWidget) -> Iterable[str]:
    for getter in ("text", "toPlainText", "placeholderText", "windowTitle"):
        method = getattr(widget, getter, None)
        if callable(method):
            try:
                value = method()
            except TypeError:
                continue
            if isinstance(value, str):
                yield value
    yield widget.toolTip()
    yield widget.accessibleName()
    if isinstance(widget, QListWidget):
        for row in range(widget.count()):
            item = widget.item(row)
            if item is not None:
                yield item.text()
    if isinstance(widget, QComboBox):
        for row in range(widget.count()):
            yield widget.itemText(row)


def widget_findings(needles: Needles) -> list[Finding]:
    """Widgets whose text holds a needle."""
    found: list[Finding] = []
    for widget in QApplication.allWidgets():
        for text in _widget_texts(widget):
            for i, needle in enumerate(needles.texts):
                if needle in text:
                    where = f"{type(widget).__qualname__}#{widget.objectName()}"
                    found.append(Finding(where, f"{needles.label}[{i}] widget"))
    return found
