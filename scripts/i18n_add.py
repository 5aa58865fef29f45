"""Add messages to both catalogues: ``python scripts/i18n_add.py FILE.json``.

FILE.json maps key -> [zh, en]. Existing keys are overwritten; catalogues stay sorted.
"""

import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[1] / "assets" / "i18n"
new = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
for index, locale in enumerate(("zh_CN", "en")):
    path = root / f"{locale}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, pair in new.items():
        data[key] = pair[index]
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
print(f"{len(new)} messages added")
