"""`python -m bench`: runs every benchmark of the project and writes docs/performance.md.

    python -m bench                          all benchmarks, scales 1 and 10, writes docs/performance.md
    python -m bench --only startup excel     the modules whose name contains one of these words
    python -m bench --scales 1 --output -    scale 1 only, table on stdout instead of the file

With --only, the other modules' sections of the existing page are kept as they were (each says when it was
measured), so one engineer can refresh their own section.

Each `bench/*.py` module that defines `run(scale) -> list[dict]` (convention: bench/README.md) is called in a
fresh process per scale, offscreen and with user folders of its own, so a module's imports, caches and peak
memory never leak into the next. A bench script without `run()` is run once as it is, and what it prints is
copied into the page under its own heading. The page is generated: never edit it by hand.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.common import REPO, child_env, markdown_table, result

BENCH_DIR = Path(__file__).resolve().parent
NOT_BENCHES = {"__init__", "__main__", "common"}
MARK = "@@ERBM-BENCH-ROWS@@"


def bench_modules() -> list[tuple[str, bool, str]]:
    """(module name, follows the convention, first line of its docstring), in a stable order, start-up first."""
    found = []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem in NOT_BENCHES or path.stem.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        has_run = any(isinstance(node, ast.FunctionDef) and node.name == "run" and node.args.args
                      and node.args.args[0].arg == "scale" for node in tree.body)  # run(scale, …)
        doc = (ast.get_docstring(tree) or "").strip().split("\n\n")[0]  # its first paragraph
        found.append((path.stem, has_run, " ".join(doc.split())))
    found.sort(key=lambda m: (m[0] != "bench_startup", m[0]))
    return found


def run_module(name: str, scale: float, timeout: float) -> tuple[list[dict], str | None]:
    """Rows of `bench.<name>.run(scale)`, computed in a fresh interpreter; or the reason it failed."""
    code = (f"import json, sys\nfrom bench import {name} as m\nrows = m.run(float(sys.argv[1]))\n"
            f"print({MARK!r} + json.dumps(rows, default=str))")
    try:
        proc = subprocess.run([sys.executable, "-c", code, str(scale)], cwd=REPO, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"time-out after {timeout:.0f} s"
    sys.stderr.write(proc.stderr[-4000:] if proc.returncode else "")
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return [], f"exit code {proc.returncode}: {last}"
    return json.loads(lines[-1][len(MARK):]), None


def run_script(name: str, timeout: float) -> tuple[str, str | None]:
    """What a bench script without `run()` prints when run as it is."""
    try:
        proc = subprocess.run([sys.executable, str(BENCH_DIR / f"{name}.py")], cwd=REPO, env=child_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "", f"time-out after {timeout:.0f} s"
    if proc.returncode != 0:
        return proc.stdout, f"exit code {proc.returncode}: {(proc.stderr.strip().splitlines() or [''])[-1]}"
    return proc.stdout, None


def machine_line() -> str:
    parts = [f"{os.cpu_count()} cores", platform.system(), f"Python {platform.python_version()}"]
    try:
        import sqlite3

        parts.append(f"SQLite {sqlite3.sqlite_version}")
        from importlib.metadata import version

        parts.append(f"PySide6 {version('pyside6-essentials')}")
        parts.append(f"SQLAlchemy {version('sqlalchemy')}")
    except Exception:  # noqa: BLE001 - the header is informative only
        pass
    return ", ".join(parts)


def commit() -> str:
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return git.stdout.strip() or "?"


def read_sections(path: Path) -> dict[str, str]:
    """The sections of an existing page, by module name (between `<!-- bench:NAME -->` markers)."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    return {m.group(1): m.group(0) for m in re.finditer(r"<!-- bench:(\w+) -->\n.*?<!-- /bench:\1 -->", text, re.S)}


def section(name: str, body: list[str], scales: list[float], elapsed: float) -> str:
    head = [f"<!-- bench:{name} -->", f"## `bench/{name}.py`", "",
            f"*Measured on {dt.date.today().isoformat()} at commit `{commit()}`, "
            + (f"scales {', '.join(f'{s:g}' for s in scales)}" if scales else "run once as a script")
            + f", in {elapsed / 60:.1f} min.*", ""]
    return "\n".join(head + body + [f"<!-- /bench:{name} -->"])


def page(sections: dict[str, str], order: list[str], failures: int) -> str:
    head = [
        "# Performance",
        "",
        "<!-- Generated by `python -m bench` (bench/__main__.py). Do not edit by hand: run the command again. -->",
        "",
        f"Generated by `python -m bench` (`--only` refreshes some sections and keeps the others); last run on "
        f"{dt.date.today().isoformat()} at commit `{commit()}`, on: {machine_line()}.",
        "Scales: the demo dataset (`erbm-desk demo --scale S`); scale 1 is ERBM size (35 cités, about 2 500 "
        "contracts and 25 000 monthly hour rows), 10 is ten times that.",
        "",
        "How to read it: **median** of several runs in seconds; **ratio** = median ÷ **baseline**, the simplest "
        "way to do the same job (named in *baseline is*); **peak memory** = highest resident memory of the "
        "process that measured the case, in MB. The machine is shared, so compare ratios rather than seconds. "
        "Convention and how to add a benchmark: [bench/README.md](../bench/README.md).",
        "",
    ]
    if failures:
        head += [f"**{failures} benchmark run(s) failed in the last run**: see the rows marked *failed*.", ""]
    known = [name for name in order if name in sections]  # a section of a module that is gone is dropped
    return "\n".join(head) + "\n" + "\n\n".join(sections[name] for name in known) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10", help="demo scales, comma-separated (default 1,10)")
    parser.add_argument("--only", nargs="*", default=[], help="run only modules whose name contains a word")
    parser.add_argument("--output", default=str(REPO / "docs" / "performance.md"),
                        help="Markdown file to write, or - for stdout (default docs/performance.md)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per module and scale")
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    modules = [m for m in bench_modules() if not args.only or any(w in m[0] for w in args.only)]
    t0 = time.perf_counter()
    output = None if args.output == "-" else Path(args.output)
    sections = read_sections(output) if output is not None and args.only else {}
    failures = 0
    for name, has_run, doc in modules:
        started = time.perf_counter()
        if has_run:
            rows = []
            for scale in scales:
                print(f"bench: {name} at scale {scale:g}…", file=sys.stderr, flush=True)
                t = time.perf_counter()
                got, error = run_module(name, scale, args.timeout)
                if error:
                    failures += 1
                    got = [result(f"{name}: failed", None, note=error)]
                rows += [dict(row, scale=f"{scale:g}") for row in got]
                print(f"bench: {name} at scale {scale:g}: {time.perf_counter() - t:.0f} s"
                      + (f" — FAILED ({error})" if error else ""), file=sys.stderr, flush=True)
            body = [doc, "", markdown_table(rows, with_scale=True), ""]
        else:
            print(f"bench: {name} (script, no run())…", file=sys.stderr, flush=True)
            out, error = run_script(name, args.timeout)
            failures += bool(error)
            body = [doc, "", "Does not follow the `run(scale)` convention; what it printed when run as a script"
                    + (f" (**failed**: {error})" if error else "") + ":", "", "```text", out.rstrip(), "```", ""]
        sections[name] = section(name, body, scales if has_run else [], time.perf_counter() - started)
    text = page(sections, [m[0] for m in bench_modules()], failures)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"bench: wrote {output} in {(time.perf_counter() - t0) / 60:.1f} min", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
