"""Run every benchmark module and write bench/results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench
from bench import Result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="module names to run (default: all)")
    parser.add_argument("--out", default=str(Path(bench.__file__).with_name("results.json")))
    args = parser.parse_args()
    results: list[Result] = []
    failed = False
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        if args.only and info.name not in args.only and info.name[6:] not in args.only:
            continue
        module = importlib.import_module(f"bench.{info.name}")
        started = time.perf_counter()
        print(f"== {info.name}", flush=True)
        try:
            module_results: list[Result] = module.run()
        except Exception as exc:  # a broken bench is reported, the others still run
            print(f"   FAILED: {exc!r}", flush=True)
            failed = True
            continue
        for r in module_results:
            print(
                f"   {r.name}: {r.value:.3f} {r.unit} (baseline {r.baseline:.3f}, "
                f"ratio {r.ratio}) target {r.target} -> {'met' if r.met else 'NOT MET'}",
                flush=True,
            )
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        results.extend(module_results)
    out = Path(args.out)
    previous: list[dict[str, object]] = []
    if args.only and out.exists():
        names = {r.name for r in results}
        previous = [r for r in json.loads(out.read_text()) if r["name"] not in names]
    payload = previous + [r.as_json() for r in results]
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
