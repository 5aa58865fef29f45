#!/usr/bin/env python3
"""Checks that every user, group, file and directory the installed kiosk units and udev rules
name exists, under ``--root`` (``/`` on a terminal, a staging tree in tests).

Standard library only: it runs on the terminal's system Python, before or without the kiosk's
own venv. Prints one line per check and exits 1 if any failed.

    check_install.py [--root DIR] [--packages-root DIR]

``--packages-root`` is where Debian's files (``/usr/bin/cage``) are looked for when they are
not part of a staging root (default: the same root).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

UNITS = ("kiosk.service", "kiosk-journal-backup.service", "kiosk-journal-backup.timer")
UDEV_RULES = "etc/udev/rules.d/70-kiosk-devices.rules"
OTHER_FILES = ("etc/systemd/journald.conf.d/kiosk.conf", "etc/kiosk/devices.conf")
# Kernel and runtime trees exist only on the running system, never in a staging root.
RUNTIME_PREFIXES = ("/dev/", "/run/", "/proc/", "/sys/")
# Installed by Debian packages, not by install.sh (a staging tree has none of them).
PACKAGE_PREFIXES = ("/usr/bin/", "/usr/sbin/", "/usr/lib/", "/bin/", "/sbin/", "/lib/")
PATH_KEYS = ("WorkingDirectory", "EnvironmentFile", "TTYPath")
EXEC_KEYS = ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecReload")


class Checker:
    def __init__(self, root: Path, packages_root: Path | None = None) -> None:
        self.root = root
        self.packages_root = packages_root or root
        self.failures = 0
        self.users = _table(root / "etc/passwd")
        self.groups = _table(root / "etc/group")

    def report(self, ok: bool, what: str, detail: str = "") -> None:
        print(f"{'ok  ' if ok else 'FAIL'}  {what}{'  ' + detail if detail else ''}")
        if not ok:
            self.failures += 1

    def resolve(self, path: str) -> Path:
        """``path`` inside the root, following symlinks (absolute ones stay inside it too)."""
        root = self.packages_root if path.startswith(PACKAGE_PREFIXES) else self.root
        current = root
        parts = list(Path(path).parts[1:])
        for _ in range(64):
            if not parts:
                return current
            candidate = current / parts.pop(0)
            if candidate.is_symlink():
                link = os.readlink(candidate)
                if link.startswith("/"):
                    current, parts = root, list(Path(link).parts[1:]) + parts
                else:
                    parts = list(Path(link).parts) + parts
                continue
            current = candidate
        return current

    def live_only(self, path: str) -> bool:
        return self.root != Path("/") and path.startswith(RUNTIME_PREFIXES)

    def check_path(self, path: str, what: str, *, executable: bool = False) -> None:
        if self.live_only(path):
            print(f"skip  {what} {path}  (runtime path, exists only on the running system)")
            return
        real = self.resolve(path)
        exists = real.exists()
        if exists and executable:
            exists = real.is_file() and os.access(real, os.X_OK)
        self.report(exists, f"{what} {path}", "" if exists else "missing or not executable")

    def check_user(self, name: str, what: str) -> None:
        self.report(name in self.users, f"{what} user {name}")

    def check_group(self, name: str, what: str) -> None:
        self.report(name in self.groups, f"{what} group {name}")

    def check_owner(self, path: str, user: str) -> None:
        real = self.resolve(path)
        uid = self.users.get(user)
        if not real.exists() or uid is None:
            self.report(False, f"state dir {path} owned by {user}", "missing")
            return
        owner = real.stat().st_uid
        self.report(owner == int(uid), f"state dir {path} owned by {user}", f"uid {owner}")


def _table(path: Path) -> dict[str, str]:
    """name -> numeric id from a passwd/group file."""
    if not path.exists():
        return {}
    rows = (line.split(":") for line in path.read_text().splitlines() if line.strip())
    return {row[0]: row[2] for row in rows if len(row) > 2}


def unit_settings(text: str) -> Iterator[tuple[str, str, str]]:
    """(section, key, value) for every setting; keys may repeat (Environment=, ExecStart=)."""
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        yield section, key.strip(), value.strip()


def check_unit(checker: Checker, name: str) -> None:
    path = checker.root / "etc/systemd/system" / name
    checker.report(path.is_file(), f"unit {name}")
    if not path.is_file():
        return
    user = ""
    for section, key, value in unit_settings(path.read_text()):
        if key == "User":
            user = value
            checker.check_user(value, name)
        elif key in ("Group", "SupplementaryGroups"):
            for group in value.split():
                checker.check_group(group, name)
        elif key == "PAMName":
            checker.check_path(f"/etc/pam.d/{value}", f"{name} PAM service")
        elif key in PATH_KEYS:
            checker.check_path(value.lstrip("-"), f"{name} {key}")
        elif key == "StateDirectory":
            for sub in value.split():
                checker.check_path(f"/var/lib/{sub}", f"{name} StateDirectory")
                if user:
                    checker.check_owner(f"/var/lib/{sub}", user)
        elif key in EXEC_KEYS:
            words = shlex.split(value)
            program = words[0].lstrip("@-:+!")
            checker.check_path(program, f"{name} {key}", executable=True)
            for word in words[1:]:
                if word.startswith("/"):
                    checker.check_path(word, f"{name} {key} argument")
        elif section == "Timer" and key == "Unit":
            checker.check_path(f"/etc/systemd/system/{value}", f"{name} unit")
    if name.endswith(".timer"):
        service = name.removesuffix(".timer") + ".service"
        checker.check_path(f"/etc/systemd/system/{service}", f"{name} activates")


def check_udev(checker: Checker) -> None:
    path = checker.root / UDEV_RULES
    checker.report(path.is_file(), f"udev rules /{UDEV_RULES}")
    if not path.is_file():
        return
    text = path.read_text()
    for group in sorted(set(re.findall(r'GROUP="([^"]+)"', text))):
        checker.check_group(group, "udev rules")
    names = re.findall(r'SYMLINK\+="([^"]+)"', text)
    checker.report(bool(names), "udev stable names", " ".join(f"/dev/{n}" for n in names))


def check_release(checker: Checker) -> None:
    current = checker.root / "opt/kiosk/current"
    checker.report(current.is_symlink(), "release link /opt/kiosk/current")
    if current.is_symlink():
        link = os.readlink(current)
        checker.report(not link.startswith("/"), "release link is relative", link)
        checker.check_path("/opt/kiosk/current/bin/kiosk", "release entry point", executable=True)


def check_modes(checker: Checker) -> None:
    config = checker.resolve("/etc/kiosk/kiosk.toml")
    checker.report(config.is_file(), "config /etc/kiosk/kiosk.toml")
    if config.is_file():
        mode = stat.S_IMODE(config.stat().st_mode)
        # It holds the terminal token and the admin PIN hash: never world-readable.
        checker.report(not mode & 0o007, "config not world-readable", oct(mode))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/"))
    parser.add_argument("--packages-root", type=Path, default=None)
    args = parser.parse_args(argv)
    packages = args.packages_root.resolve() if args.packages_root else None
    checker = Checker(args.root.resolve(), packages)
    for unit in UNITS:
        check_unit(checker, unit)
    check_udev(checker)
    for other in OTHER_FILES:
        checker.check_path("/" + other, "file")
    check_release(checker)
    check_modes(checker)
    print(f"{checker.failures} problem(s)" if checker.failures else "install complete")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
