"""Checking the TLS files of ``[backend]`` before the kiosk starts, so a wrong path or a file
that is not a certificate stops ``kiosk run`` with the key named instead of failing later as
"backend unavailable" in front of a customer.

The connection itself is made by :mod:`kiosk.backend.client` (requests with ``verify`` set to
the CA file: urllib3 then loads that file and never the system's trust store).
"""

from __future__ import annotations

import os


class TlsConfigError(ValueError):
    """A TLS file that cannot be used; ``key`` is its ``[backend]`` key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def check_files(ca_file: str, client_cert: str = "", client_key: str = "") -> None:
    """Load the CA (and the client certificate and key, if given) the way the client will."""
    import ssl  # here: only kiosk run pays for it, and only once

    if not os.path.isfile(ca_file):
        raise TlsConfigError("ca_file", f"{ca_file}: not a file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no system CAs: only the file counts
    try:
        context.load_verify_locations(cafile=ca_file)
    except (ssl.SSLError, OSError) as exc:
        raise TlsConfigError("ca_file", f"{ca_file}: not a PEM CA certificate ({exc})") from exc
    if not client_cert:
        return
    for key, path in (("client_cert", client_cert), ("client_key", client_key)):
        if not os.path.isfile(path):
            raise TlsConfigError(key, f"{path}: not a file")
    try:
        context.load_cert_chain(client_cert, client_key)
    except (ssl.SSLError, OSError) as exc:
        raise TlsConfigError(
            "client_key", f"does not load with client_cert (unencrypted PEM, matching pair): {exc}"
        ) from exc
