"""Add messages to both catalogues: ``python scripts/i18n_add.py FILE.json``.

FILE.json maps key -> [zh, en] (``|`` separates an English message's plural forms:
"{n} minute|{n} minutes"). Existing keys are overwritten; the PO files are rewritten sorted,
other languages' catalogues untouched (docs/i18n.md).
"""

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

new = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
catalogues = {locale: load_catalogue(locale) for locale in (REFERENCE_LOCALE, "en")}
for index, locale in enumerate(catalogues):
    for key, pair in new.items():
        catalogues[locale][key] = pair[index]
plurals = plural_keys(catalogues.values())
for locale, messages in catalogues.items():
    reference = None if locale == REFERENCE_LOCALE else catalogues[REFERENCE_LOCALE]
    write_catalogue(po_path(locale, CATALOGUE_DIR), locale, messages, plurals, reference)
print(f"{len(new)} messages added")
