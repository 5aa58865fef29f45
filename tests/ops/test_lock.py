"""The lock files cover what pyproject.toml asks for, every pin carries a hash, and the version
the kiosk reports is the package's own (what the fleet view and release dirs show)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kiosk.version import app_version

REPO = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", spec)
    assert match, spec
    return _norm(match.group(0))


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            pins[_norm(match.group(1))] = match.group(2)
            assert lines[i + 1].strip().startswith("--hash=sha256:"), f"{path.name}: {line}"
    return pins


def _project() -> dict[str, object]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def test_runtime_lock_covers_the_runtime_dependencies() -> None:
    pins = _pins(REPO / "requirements.lock")
    wanted = {_requirement_name(d) for d in _project()["dependencies"]}  # type: ignore[attr-defined]
    assert wanted <= set(pins), f"run `make lock`: {sorted(wanted - set(pins))} not pinned"
    assert "fastapi" not in pins and "pytest" not in pins  # a terminal runs no backend or tests


def test_dev_lock_covers_every_extra_and_agrees_with_the_runtime_lock() -> None:
    runtime, dev = _pins(REPO / "requirements.lock"), _pins(REPO / "requirements-dev.lock")
    extras = _project()["optional-dependencies"]
    wanted = {_requirement_name(d) for group in extras.values() for d in group}  # type: ignore[attr-defined]
    assert wanted <= set(dev), f"run `make lock`: {sorted(wanted - set(dev))} not pinned"
    assert {k: dev[k] for k in runtime} == runtime  # the tests run what a terminal runs


def test_version_comes_from_the_package_metadata() -> None:
    assert app_version() == _project()["version"]
