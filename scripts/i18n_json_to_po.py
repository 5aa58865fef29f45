"""Move message catalogues from JSON to gettext PO: ``python scripts/i18n_json_to_po.py [DIR]``.

For every ``<locale>.json`` in DIR (default assets/i18n): its messages are merged into
``<locale>.po`` — a JSON value wins for a key in both (it is what code was written against),
entries only in the PO file are kept (a translator's work, a dropped-in language) — and the
JSON file is removed. ``|`` in a JSON value separates plural forms (English "{n} minute|{n}
minutes"); such a key becomes a plural message in every PO file.

Idempotent: with no JSON left it rewrites the PO files byte for byte the same. After merging
a branch that still added keys to ``<locale>.json``, keep that branch's JSON file and run
this again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.catalogues import (  # noqa: E402 - after the path set-up
    CATALOGUE_DIR,
    REFERENCE_LOCALE,
    load_catalogue,
    plural_keys,
    po_path,
    write_catalogue,
)


def _json(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SystemExit(f"{path}: expected an object of strings")
    return data


def convert(directory: Path) -> list[Path]:
    """Merge the JSON catalogues of ``directory`` into its PO files; the PO files written."""
    json_files = {p.stem: p for p in directory.glob("*.json")}
    locales = sorted(set(json_files) | {p.stem for p in directory.glob("*.po")})
    merged: dict[str, dict[str, str]] = {}
    for locale in locales:
        messages = load_catalogue(locale, directory) if po_path(locale, directory).exists() else {}
        if locale in json_files:
            messages.update(_json(json_files[locale]))
        merged[locale] = messages
    plurals = plural_keys(merged.values())
    reference = merged.get(REFERENCE_LOCALE)
    written = []
    for locale, messages in merged.items():
        path = po_path(locale, directory)
        write_catalogue(
            path, locale, messages, plurals, None if locale == REFERENCE_LOCALE else reference
        )
        written.append(path)
    for path in json_files.values():
        path.unlink()
    return written


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else CATALOGUE_DIR
    for path in convert(directory):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
