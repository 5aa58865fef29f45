"""A terminal configuration that ``kiosk run`` accepts, for tests that start the real kiosk.

``kiosk run`` is stricter than the demo (a real terminal id and token, an admin PIN hash,
HTTPS unless plain HTTP is allowed by name); the tests talk to a loopback backend over plain
HTTP, so they say so with that key.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.config import hash_pin

PLAIN_HTTP_KEY = "allow_plain_http_token_in_clear"


def run_config_toml(journal: Path, url: str, *, fullscreen: bool = True) -> str:
    plain = f"{PLAIN_HTTP_KEY} = true\n"
    return (
        f'journal_path = "{journal}"\n'
        '[terminal]\nid = "BJ-TEST-0001"\n'
        f'[backend]\nurl = "{url}"\nterminal_token = "test-token-0123456789abcdef"\n'
        f"connect_timeout = 0.5\nread_timeout = 0.5\n{plain}"
        f"[ui]\nfullscreen = {'true' if fullscreen else 'false'}\n"
        f'[admin]\npin_hash = "{hash_pin("7531")}"\n'
    )
