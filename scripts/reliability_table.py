"""Write reports/faults.json and reports/soak.json as Markdown tables into README.md between
the reliability markers (``make faults`` and ``make soak`` call it)."""

import json
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def _load(name: str) -> dict:
    path = root / "reports" / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


faults, soak = _load("faults.json"), _load("soak.json")
lines = [
    "| fault suite (`make faults`) | runs | intents | lost | applied twice"
    " | unresolved after settlement | kiosk crashes | max stall (self / CPU / wall)"
    " | start-up stall (wall) |",
    "|---|---|---|---|---|---|---|---|---|",
]
for name, s in faults.get("sections", {}).items():
    lines.append(
        f"| {name} | {s.get('runs', '')} | {s.get('intents', '-')} | {s.get('lost', '-')} | "
        f"{s.get('applied_twice', '-')} | {s.get('unresolved_after_settlement', '-')} | "
        f"{s.get('kiosk_crashes', 0)} | {s.get('max_stall_ms', '-')} / "
        f"{s.get('max_cpu_stall_ms', '-')} / {s.get('max_wall_stall_ms', '-')} ms | "
        f"{s.get('startup_max_stall_ms', '-')} ms |"
    )
t = faults.get("totals")
if t:
    lines.append(
        f"| **total** | {t['runs']} | {t['intents']} | {t['lost']} | {t['applied_twice']} | "
        f"{t['unresolved_after_settlement']} | {t['kiosk_crashes']} | {t['max_stall_ms']} / "
        f"{t.get('max_cpu_stall_ms', '-')} / {t.get('max_wall_stall_ms', '-')} ms | "
        f"{t.get('startup_max_stall_ms', '-')} ms |"
    )
if soak:
    lines += [
        "",
        "| soak (`make soak`) | journeys | RSS growth | personal strings left"
        " | max stall (self / CPU / wall) | start-up stall (wall) | time (of it: scan) |",
        "|---|---|---|---|---|---|---|",
        f"| {', '.join(f'{k} {v}' for k, v in soak['kinds'].items())} | {soak['journeys']} | "
        f"{soak['rss_growth_mb']} MB (journey {soak['rss_growth_from_journey']} to "
        f"{soak['journeys']}) | {soak['personal_strings_left']} | {soak['max_stall_ms']} / "
        f"{soak.get('max_cpu_stall_ms', '-')} / {soak['max_wall_stall_ms']} ms | "
        f"{soak.get('startup_max_stall_ms', '-')} ms | "
        f"{soak['seconds']} s ({soak.get('scan_seconds', '-')} s) |",
    ]
readme = root / "README.md"
text = readme.read_text(encoding="utf-8")
start, end = "<!-- reliability:start -->", "<!-- reliability:end -->"
head, _, rest = text.partition(start)
_, _, tail = rest.partition(end)
readme.write_text(head + start + "\n" + "\n".join(lines) + "\n" + end + tail, encoding="utf-8")
print(
    f"README.md: {len(faults.get('sections', {}))} fault sections, soak {'yes' if soak else 'no'}"
)
