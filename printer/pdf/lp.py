"""Optional A4 printing of PDFs through CUPS: ``lp -d QUEUE file``."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from printer.errors import LpError

log = logging.getLogger(__name__)


def print_pdf(path: Path, queue: str, *, copies: int = 1, timeout: float = 30.0) -> str:
    """Send ``path`` to CUPS queue ``queue``; returns lp's answer (the request id line).

    Raises :class:`LpError` when ``lp`` is missing, fails, or takes longer than ``timeout``.
    """
    lp = shutil.which("lp")
    if lp is None:
        raise LpError("CUPS 'lp' command not found (install cups-client)")
    if not path.is_file():
        raise LpError(f"no such PDF: {path}")
    command = [lp, "-d", queue, "-n", str(copies), "--", str(path)]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise LpError(f"lp did not finish within {timeout:.0f} s") from exc
    except OSError as exc:
        raise LpError(f"could not run lp: {exc}") from exc
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        raise LpError(f"lp failed for queue {queue!r}: {message}")
    log.info("PDF sent to CUPS queue %s", queue)
    return result.stdout.strip()
