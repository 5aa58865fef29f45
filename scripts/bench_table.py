"""Write bench/results.json as a Markdown table into README.md between the bench markers."""

import json
from pathlib import Path

root = Path(__file__).resolve().parents[1]
results = json.loads((root / "bench" / "results.json").read_text(encoding="utf-8"))
lines = [
    "| target | value | baseline (same run) | ratio | target | met |",
    "|---|---|---|---|---|---|",
]
for r in results:
    lines.append(
        f"| {r['name']} | {r['value']} {r['unit']} | {r['baseline']} | {r['ratio']} | "
        f"{r['target']} | {'yes' if r['met'] else '**no**'} |"
    )
readme = root / "README.md"
text = readme.read_text(encoding="utf-8")
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
head, _, rest = text.partition(start)
_, _, tail = rest.partition(end)
readme.write_text(head + start + "\n" + "\n".join(lines) + "\n" + end + tail, encoding="utf-8")
print(f"README.md: {len(results)} benchmark rows")
