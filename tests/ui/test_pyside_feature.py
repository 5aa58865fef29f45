"""ui.pyside_feature: PySide's per-import scan gives the same verdicts from the file's bytes."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import ui
from ui import pyside_feature


def _feature() -> types.ModuleType:
    return sys.modules["shibokensupport.feature"]


def _original() -> object:
    return getattr(_feature()._mod_uses_pyside, "original", None)  # the one it replaced


def test_importing_ui_installs_the_fast_check_once() -> None:
    assert ui.pyside_feature is pyside_feature
    first = _feature()._mod_uses_pyside
    assert getattr(first, "_kiosk_fast", False)
    assert pyside_feature.install()
    assert _feature()._mod_uses_pyside is first  # not wrapped twice


@pytest.mark.parametrize(
    "name",
    ["ui.app", "ui.first_paint", "kiosk.config", "kiosk.catalogues", "json", "sys", "_socket"],
)
def test_same_verdict_as_pysides_own_scan(name: str) -> None:
    module = importlib.import_module(name)
    fast, original = _feature()._mod_uses_pyside, _original()
    assert callable(original)
    assert fast(module) == original(module)


def test_a_module_whose_file_is_gone_falls_back(tmp_path: Path) -> None:
    module = types.ModuleType("gone")
    module.__file__ = str(tmp_path / "gone.py")
    assert _feature()._mod_uses_pyside(module) is False  # PySide's own answer: no source


def test_a_new_module_that_uses_pyside_is_seen(tmp_path: Path) -> None:
    (tmp_path / "kiosk_feature_probe_a.py").write_text("import PySide6.QtCore\n", "utf-8")
    (tmp_path / "kiosk_feature_probe_b.py").write_text("VALUE = '无 Qt'\n", "utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        # the import statement, not importlib: PySide's hook sits on builtins.__import__
        a = __import__("kiosk_feature_probe_a")
        b = __import__("kiosk_feature_probe_b")
        check = _feature()._mod_uses_pyside
        assert (check(a), check(b)) == (True, False)
        verdicts = _feature().pyside_feature_dict
        assert (verdicts["kiosk_feature_probe_a"], verdicts["kiosk_feature_probe_b"]) == (0, -1)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("kiosk_feature_probe_a", None)
        sys.modules.pop("kiosk_feature_probe_b", None)


def test_the_kiosk_process_reads_no_module_source_into_linecache() -> None:
    """PySide's scan kept every module's text in linecache; the kiosk's start-up path does not."""
    script = (
        "import json, linecache, sys\n"
        "import ui.app\n"
        "ours = [sys.argv[1] + '/' + p for p in ('kiosk/', 'ui/', 'common/')]\n"
        "print(json.dumps(sorted(k for k in linecache.cache if k.startswith(tuple(ours)))))\n"
    )
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", script, root],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=root,
        timeout=60,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
