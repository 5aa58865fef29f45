#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs (CJK font, Xvfb, poppler, Qt's xcb libraries).
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -euo pipefail
missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; install these yourself: ${missing[*]}" >&2
    exit 1
fi
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing Debian packages. Run as root, then run make again:" >&2
    echo "    sudo apt-get update && sudo $cmd" >&2
    exit 1
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd -qq
