"""deploy/: the real install script into a staging root, then the real system tools on what it
installed: check_install.py, ``systemd-analyze verify`` on the units, ``udevadm test`` on the
rendered rules, and the release switch / roll-back."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.run_config import run_config_toml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = ("kiosk.service", "kiosk-journal-backup.service", "kiosk-journal-backup.timer")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="install.sh creates a user and chowns: root only"),
]


def _run(
    *cmd: str | Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], check=False, capture_output=True, text=True, env=env, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, REPO)
    assert built.returncode == 0, built.stderr[-2000:]
    (whl,) = out.glob("hall_kiosk-*.whl")
    return whl


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("root")
    (root / "etc").mkdir()
    for name in ("passwd", "group", "shadow", "gshadow"):
        (root / "etc" / name).touch(mode=0o600 if "sh" in name else 0o644)
    env = dict(os.environ, KIOSK_PACKAGES_ROOT="/")
    done = _run("bash", DEPLOY / "install.sh", "--root", root, wheel, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.rstrip().endswith("install: done: kiosk 0.1.0")
    yield root


@pytest.mark.timeout(900)
def test_install_lays_out_user_dirs_release_and_units(staged: Path) -> None:
    passwd = (staged / "etc/passwd").read_text()
    (line,) = [x for x in passwd.splitlines() if x.startswith("kiosk:")]
    assert line.split(":")[5:] == ["/var/lib/kiosk", "/usr/sbin/nologin"]
    assert os.readlink(staged / "opt/kiosk/current") == "releases/0.1.0"
    kiosk = staged / "opt/kiosk/current/bin/kiosk"
    assert _run(kiosk, "--version").stdout.strip() == "kiosk 0.1.0"
    state = staged / "var/lib/kiosk"
    assert state.stat().st_uid == int(line.split(":")[2])
    assert oct(state.stat().st_mode & 0o777) == "0o750"
    rules = (staged / "etc/udev/rules.d/70-kiosk-devices.rules").read_text().splitlines()
    assert rules[1] == (
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="10c4", ATTRS{idProduct}=="ea60", '
        'SYMLINK+="kiosk-idcard", GROUP="kiosk", MODE="0660", TAG+="systemd"'
    )
    assert [r.split('SYMLINK+="')[1].split('"')[0] for r in rules[1:]] == [
        "kiosk-idcard",
        "kiosk-printer",
        "kiosk-cash",
    ]


def test_check_install_passes_and_catches_a_missing_file(staged: Path) -> None:
    check = DEPLOY / "check_install.py"
    ok = _run(sys.executable, check, "--root", staged, "--packages-root", "/")
    assert ok.returncode == 0, ok.stdout
    assert "FAIL" not in ok.stdout and ok.stdout.rstrip().endswith("install complete")
    pam = staged / "etc/pam.d/kiosk-session"
    saved = pam.read_bytes()
    pam.unlink()
    try:
        bad = _run(sys.executable, check, "--root", staged, "--packages-root", "/")
    finally:
        pam.write_bytes(saved)
    assert bad.returncode == 1
    assert "FAIL  kiosk.service PAM service /etc/pam.d/kiosk-session" in bad.stdout
    nocage = _run(sys.executable, check, "--root", staged)  # no Debian files in a bare root
    assert "FAIL  kiosk.service ExecStart /usr/bin/cage" in nocage.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_units_pass_systemd_analyze_verify(staged: Path, tmp_path: Path) -> None:
    # verify checks that each ExecStart program is executable: point /opt/kiosk at the staged
    # release (the only rewrite), everything else is verified as installed.
    for name in UNITS:
        text = (staged / "etc/systemd/system" / name).read_text()
        (tmp_path / name).write_text(text.replace("/opt/kiosk/", f"{staged}/opt/kiosk/"))
    done = _run("systemd-analyze", "verify", *(tmp_path / n for n in UNITS))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""
    # and verify can fail: a typo in a key is reported
    (tmp_path / "kiosk.service").write_text(
        (tmp_path / "kiosk.service").read_text().replace("WatchdogSec=", "WatchdogSecs=")
    )
    typo = _run("systemd-analyze", "verify", tmp_path / "kiosk.service")
    assert "Unknown key 'WatchdogSecs' in section [Service]" in typo.stderr


def _udevadm_test(rules_dir: Path, group_file: Path) -> str:
    """``udevadm test`` with our rules in a private mount namespace (the host is untouched)."""
    script = (
        f"mount --bind {rules_dir} /etc/udev/rules.d && mount --bind {group_file} /etc/group"
        " && udevadm test --action=add /sys/class/tty/tty1"
    )
    done = _run("unshare", "--mount", "sh", "-c", script)
    if done.returncode != 0 and "mount" in done.stderr and "Reading rules" not in done.stderr:
        pytest.skip(f"no private mount namespace here: {done.stderr.strip()[:200]}")
    return done.stdout + done.stderr


@pytest.mark.skipif(
    shutil.which("udevadm") is None or shutil.which("unshare") is None,
    reason="udevadm (Debian udev) or unshare missing",
)
@pytest.mark.skipif(not Path("/sys/class/tty/tty1").exists(), reason="no tty device in /sys")
def test_udev_rules_parse(staged: Path, tmp_path: Path) -> None:
    out = _udevadm_test(staged / "etc/udev/rules.d", staged / "etc/group")
    ours = [x for x in out.splitlines() if "70-kiosk-devices.rules" in x]
    assert ours == ["Reading rules file: /etc/udev/rules.d/70-kiosk-devices.rules"], ours
    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "70-kiosk-devices.rules").write_text('SUBSYSTEM=="tty", ATTRS{idVendor}="10c4"\n')
    out = _udevadm_test(broken, staged / "etc/group")
    assert "70-kiosk-devices.rules:1 Invalid operator for ATTRS" in out


def test_udev_rules_refuse_a_bad_devices_line(tmp_path: Path) -> None:
    conf = tmp_path / "devices.conf"
    conf.write_text("# reader\nidcard 10c4 ea60 A1B2\ncash 0403 60zz *\n")
    done = _run(DEPLOY / "kiosk-udev-rules", conf)
    assert done.returncode == 1
    assert "devices.conf:3: expected NAME VENDOR PRODUCT SERIAL" in done.stderr
    conf.write_text("idcard 10C4 EA60 A1B2\n")
    assert _run(DEPLOY / "kiosk-udev-rules", conf).stdout.splitlines()[1] == (
        'SUBSYSTEM=="tty", ATTRS{idVendor}=="10c4", ATTRS{idProduct}=="ea60", '
        'ATTRS{serial}=="A1B2", SYMLINK+="kiosk-idcard", GROUP="kiosk", MODE="0660", '
        'TAG+="systemd"'
    )


def test_release_switch_and_rollback(staged: Path, wheel: Path) -> None:
    tool = DEPLOY / "kiosk-release"
    releases = staged / "opt/kiosk/releases"
    again = _run(tool, "--root", staged, "install", wheel, REPO / "requirements.lock")
    assert again.returncode == 1 and "already installed" in again.stderr
    # A second release beside the first (its own venv copy; the symlink mechanics are the test)
    shutil.copytree(releases / "0.1.0", releases / "0.2.0", symlinks=True)
    try:
        assert _run(tool, "--root", staged, "switch", "0.2.0").stdout == (
            "current: 0.2.0 (previous: 0.1.0)\n"
        )
        assert os.readlink(staged / "opt/kiosk/current") == "releases/0.2.0"
        assert _run(tool, "--root", staged, "list").stdout == "0.1.0 (previous)\n0.2.0 (current)\n"
        removed = _run(tool, "--root", staged, "remove", "0.1.0")
        assert removed.returncode == 1 and "current or previous" in removed.stderr
        assert _run(tool, "--root", staged, "rollback").stdout == (
            "current: 0.1.0 (previous: 0.2.0)\n"
        )
        assert os.readlink(staged / "opt/kiosk/current") == "releases/0.1.0"
        assert os.readlink(staged / "opt/kiosk/previous") == "releases/0.2.0"
    finally:
        _run(tool, "--root", staged, "switch", "0.1.0")
        (staged / "opt/kiosk/previous").unlink(missing_ok=True)
        shutil.rmtree(releases / "0.2.0")


NOBODY = 65534


def _recv(sock: socket.socket, timeout: float) -> bytes | None:
    """The next READY/WATCHDOG message; the service monitor's STATUS= updates ("out of
    service" once the unreachable backend failed twice) may come in between at any time."""
    sock.settimeout(timeout)
    try:
        while (message := sock.recv(4096)).startswith(b"STATUS="):
            continue
        return message
    except TimeoutError:
        return None


@pytest.mark.skipif(
    shutil.which("cage") is None or not Path("/usr/bin/Xwayland").exists(),
    reason="cage or Xwayland (Debian cage, xwayland) missing",
)
@pytest.mark.timeout(300)
def test_installed_kiosk_under_cage_notifies_systemd(staged: Path, tmp_path: Path) -> None:
    """The installed release, as an unprivileged user, inside cage (wlroots' headless backend
    instead of a DRM screen), Qt on Wayland: READY=1 and heartbeats reach the notify socket
    from cage's child, which is what NotifyAccess=all in kiosk.service is for."""
    # The unprivileged user must reach the staged release and its own files (up to /tmp).
    top = Path(tempfile.gettempdir())
    for leaf, extra in ((staged, 0o005), (tmp_path, 0o001)):
        for p in (leaf, *leaf.parents):
            if p == top or top not in p.parents:
                break
            p.chmod(p.stat().st_mode | extra)
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    os.chown(runtime, NOBODY, NOBODY)
    config = tmp_path / "kiosk.toml"
    config.write_text(run_config_toml(runtime / "journal.sqlite3", "http://127.0.0.1:9"))
    config.chmod(0o644)
    sockdir = tmp_path / "notify"
    sockdir.mkdir(mode=0o777)
    sockdir.chmod(0o777)
    address = sockdir / "socket"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(address))
    address.chmod(0o777)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
        "WLR_BACKENDS": "headless",
        "WLR_HEADLESS_OUTPUTS": "1",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "WLR_RENDERER": "pixman",
        "QT_QPA_PLATFORM": "wayland",  # as kiosk.service sets it
        "NOTIFY_SOCKET": str(address),
        "WATCHDOG_USEC": "1000000",
    }
    kiosk = staged / "opt/kiosk/current/bin/kiosk"
    proc = subprocess.Popen(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "cage",
            "-d",
            "--",
            str(kiosk),
            "run",
            "--config",
            str(config),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        first = _recv(sock, 120.0)
        beats = [_recv(sock, 5.0) for _ in range(3)] if first is not None else []
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate(timeout=20)
        sock.close()
    tail = err.decode(errors="replace")[-3000:]  # cage's and the kiosk's log, when it fails
    assert first == b"READY=1\nSTATUS=serving", (first, tail)
    assert beats == [b"WATCHDOG=1"] * 3, (beats, tail)


def test_a_release_that_does_not_start_is_rolled_back(staged: Path, tmp_path: Path) -> None:
    """``kiosk-release switch`` restarts the service and, when the new release does not come
    up, points ``current`` back at the old one by itself. systemctl is replaced by a script
    that fails for release 0.2.0 (the boundary: it answers what systemd would)."""
    releases = staged / "opt/kiosk/releases"
    shutil.copytree(releases / "0.1.0", releases / "0.2.0", symlinks=True)
    calls = tmp_path / "calls"
    fake = tmp_path / "systemctl"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$* $(readlink {staged}/opt/kiosk/current)" >> {calls}\n'
        f'[ "$(readlink {staged}/opt/kiosk/current)" != releases/0.2.0 ]\n'
    )
    fake.chmod(0o755)
    env = dict(os.environ, KIOSK_SYSTEMCTL=str(fake))
    tool = DEPLOY / "kiosk-release"
    try:
        done = _run(tool, "--root", staged, "switch", "0.2.0", env=env)
        assert done.returncode == 1
        assert "0.2.0 did not start; rolling back to 0.1.0" in done.stderr
        assert os.readlink(staged / "opt/kiosk/current") == "releases/0.1.0"
        assert os.readlink(staged / "opt/kiosk/previous") == "releases/0.2.0"
        assert calls.read_text().splitlines() == [
            "restart kiosk.service releases/0.2.0",
            "restart kiosk.service releases/0.1.0",
            "is-active --quiet kiosk.service releases/0.1.0",
        ]
    finally:
        (staged / "opt/kiosk/previous").unlink(missing_ok=True)
        shutil.rmtree(releases / "0.2.0")
