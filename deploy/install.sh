#!/usr/bin/env bash
# Installs a hall terminal on a fresh Debian 12 box (run as root from the source tree or an
# unpacked release bundle; docs/operations.md walks through it):
#   deploy/install.sh WHEEL [LOCK]          everything, then starts the kiosk
#   deploy/install.sh --root DIR WHEEL ...  the same files into a staging tree: no apt, no
#                                           systemctl, no udevadm (tests, image building)
#   deploy/install.sh udev                  re-render the udev rules after editing devices.conf
# Idempotent: running it again with a new wheel installs that release beside the old one and
# switches to it; configuration, devices.conf and the journal are never overwritten.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/.." && pwd)"
root=/
if [ "${1:-}" = "--root" ]; then root="${2%/}/"; shift 2; fi
R="${root%/}"
live() { [ "$root" = / ]; }
say() { echo "install: $*"; }

# What a terminal needs at run time (the build tools stay on the build machine).
DEPLOY_DEBS=(cage xwayland python3-venv fonts-wqy-microhei fontconfig udev libwayland-client0
    libwayland-cursor0 libwayland-egl1 libxkbcommon0 libegl1 libgl1 libfontconfig1 libdbus-1-3
    libglib2.0-0)

render_udev() {
    local out="$R/etc/udev/rules.d/70-kiosk-devices.rules"
    mkdir -p "$(dirname "$out")"
    "$here/kiosk-udev-rules" "$R/etc/kiosk/devices.conf" > "$out.new"
    mv "$out.new" "$out"
    chmod 0644 "$out"
    if live; then
        udevadm control --reload
        udevadm trigger --subsystem-match=tty --action=add
    fi
    say "udev rules: $out"
}

if [ "${1:-}" = "udev" ]; then render_udev; exit 0; fi

wheel="${1:?usage: install.sh [--root DIR] WHEEL [LOCK]}"
lock="${2:-$src/requirements.lock}"
[ "$(id -u)" -eq 0 ] || { echo "install: run as root" >&2; exit 1; }

if live; then
    say "Debian packages: ${DEPLOY_DEBS[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq "${DEPLOY_DEBS[@]}"
fi

# The unprivileged user: no password, no shell, home = its state directory.
ua=(); live || ua=(--root "$R")
if ! grep -q '^kiosk:' "$R/etc/group" 2>/dev/null; then groupadd "${ua[@]}" --system kiosk; fi
if ! grep -q '^kiosk:' "$R/etc/passwd" 2>/dev/null; then
    useradd "${ua[@]}" --system --gid kiosk --home-dir /var/lib/kiosk --no-create-home \
        --shell /usr/sbin/nologin --comment "hall kiosk" kiosk
fi
say "user kiosk"

install -d -m 0755 "$R/opt/kiosk/releases"
install -d -m 0750 -o root -g "$(grep '^kiosk:' "$R/etc/group" | cut -d: -f3)" "$R/etc/kiosk"
kiosk_uid="$(grep '^kiosk:' "$R/etc/passwd" | cut -d: -f3)"
kiosk_gid="$(grep '^kiosk:' "$R/etc/group" | cut -d: -f3)"
install -d -m 0750 -o "$kiosk_uid" -g "$kiosk_gid" "$R/var/lib/kiosk" "$R/var/lib/kiosk/backups"

# Configuration: the example once; the technician edits it (docs/operations.md).
if [ ! -e "$R/etc/kiosk/kiosk.toml" ]; then
    install -m 0640 -o root -g "$kiosk_gid" "$src/assets/kiosk.example.toml" "$R/etc/kiosk/kiosk.toml"
    say "wrote /etc/kiosk/kiosk.toml from the example: edit it"
fi
if [ ! -e "$R/etc/kiosk/devices.conf" ]; then
    install -m 0644 "$here/devices.conf.example" "$R/etc/kiosk/devices.conf"
fi

# systemd units, journald retention, the PAM service, udev rules, the release tools.
install -d "$R/etc/systemd/system" "$R/etc/systemd/journald.conf.d" "$R/etc/pam.d" "$R/usr/local/sbin"
install -m 0644 "$here"/systemd/kiosk.service "$here"/systemd/kiosk-journal-backup.service \
    "$here"/systemd/kiosk-journal-backup.timer "$R/etc/systemd/system/"
install -m 0644 "$here/journald/kiosk.conf" "$R/etc/systemd/journald.conf.d/kiosk.conf"
install -m 0644 "$here/pam/kiosk-session" "$R/etc/pam.d/kiosk-session"
install -m 0755 "$here/kiosk-release" "$here/kiosk-udev-rules" "$here/check_install.py" \
    "$R/usr/local/sbin/"
render_udev

# The release, side by side with any earlier one, then switch to it.
version="$(basename "$wheel" | sed -n 's/^hall_kiosk-\([^-]*\)-.*\.whl$/\1/p')"
rel=(); live || rel=(--root "$R")
if [ ! -e "$R/opt/kiosk/releases/$version/.complete" ]; then
    "$here/kiosk-release" "${rel[@]}" install "$wheel" "$lock"
fi

if live; then
    systemctl daemon-reload
    systemctl restart systemd-journald
    systemctl disable --now getty@tty1.service 2>/dev/null || true
    systemctl enable kiosk.service kiosk-journal-backup.timer
    systemctl start kiosk-journal-backup.timer
fi
"$here/kiosk-release" "${rel[@]}" switch "$version"

python3 "$here/check_install.py" --root "$root" ${KIOSK_PACKAGES_ROOT:+--packages-root "$KIOSK_PACKAGES_ROOT"}
say "done: kiosk $version"
