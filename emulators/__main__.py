"""``python -m emulators DEVICE [options]``: run one emulated device until killed.

Each device module in ``DEVICES`` exposes ``main(argv: list[str]) -> int``; adding a device is
one line in the table.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

# device name -> module with ``main(argv) -> int``
DEVICES: dict[str, str] = {
    "cash": "emulators.cash.cli",
    "idcard": "emulators.idcard.cli",
    "printer": "emulators.printer.cli",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the named device's own command line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in DEVICES:
        names = " | ".join(sorted(DEVICES))
        print(f"usage: python -m emulators {{{names}}} [options]  (DEVICE --help for more)")
        return 0 if args and args[0] in ("-h", "--help") else 2
    module = importlib.import_module(DEVICES[args[0]])
    code: int = module.main(args[1:])
    return code


if __name__ == "__main__":
    sys.exit(main())
