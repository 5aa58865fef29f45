"""The start-up heap is frozen out of later collections without a full collection on the
GUI thread (the freeze happens while the home screen already takes touches)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from ui.app import ShellOptions, start_shell, stop_shell
from ui.heap import freeze_startup_heap, pause_collection, resume_collection, thaw


class _StartupObject:
    pass


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that runs meanwhile."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)
        thaw()


def test_the_freeze_keeps_start_up_objects_out_of_collections_without_a_full_one(
    collections: list[int],
) -> None:
    built = [_StartupObject() for _ in range(100)]
    freeze_startup_heap()
    assert 2 not in collections  # no walk over the whole heap
    assert gc.get_freeze_count() >= len(built)
    tracked = {id(o) for o in gc.get_objects()}
    assert not any(id(o) in tracked for o in built)  # later collections never walk them
    session = _StartupObject()
    assert id(session) in {id(o) for o in gc.get_objects()}  # new objects stay collectable
    thaw()
    assert gc.get_freeze_count() == 0


def test_collection_paused_for_start_up_resumes_once() -> None:
    assert gc.isenabled()
    pause_collection()
    pause_collection()  # the entry point, then the composition root
    assert not gc.isenabled()
    resume_collection()
    assert gc.isenabled()
    resume_collection()
    assert gc.isenabled()


def test_a_caller_that_turned_collection_off_keeps_it_off() -> None:
    gc.disable()
    try:
        pause_collection()
        resume_collection()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_shell_stopped_before_its_first_paint_gives_collection_back(app: QApplication) -> None:
    shell = start_shell(Config(), ShellOptions(installers=[]))
    assert not gc.isenabled()  # never shown, never painted
    stop_shell(shell)
    assert gc.isenabled()
