"""Helpers shared by the benchmark scripts (see bench/README.md for the convention).

A bench module exposes `run(scale: float) -> list[dict]`, one dict per measured case, made with `result()`:
`name`, `median_s`, `baseline_s`, `ratio`, `peak_mb` (and optional `baseline`, `note`). `python -m bench`
calls it in a fresh process per module and scale, and writes docs/performance.md.

Nothing here imports Qt, matplotlib or openpyxl: a bench decides what it loads.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("ERBM_BENCH_CACHE") or Path(tempfile.gettempdir()) / "erbm-desk-bench")


# ---------------------------------------------------------------- results


def result(name: str, median_s: float | None, baseline_s: float | None = None, peak_mb: float | None = None,
           baseline: str = "", note: str = "") -> dict:
    """One row of the performance table. `ratio` is median / baseline when there is a baseline."""
    ratio = median_s / baseline_s if median_s is not None and baseline_s else None
    return {
        "name": name,
        "median_s": median_s,
        "baseline_s": baseline_s,
        "ratio": ratio,
        "peak_mb": peak_mb,
        "baseline": baseline,
        "note": note,
    }


def _fmt(value, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def markdown_table(rows: Iterable[dict], with_scale: bool = False) -> str:
    """The rows as a Markdown table (what `python -m bench` writes and what standalone scripts print)."""
    head = ["scale"] if with_scale else []
    head += ["case", "median (s)", "baseline (s)", "ratio", "peak memory (MB)", "baseline is", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    for r in rows:
        cells = [str(r.get("scale", ""))] if with_scale else []
        cells += [
            r["name"],
            _fmt(r.get("median_s"), 3),
            _fmt(r.get("baseline_s"), 3),
            "—" if r.get("ratio") is None else f"{r['ratio']:.2f}×",
            _fmt(r.get("peak_mb"), 0),
            r.get("baseline") or "",
            r.get("note") or "",
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main_for(run: Callable[[float], list[dict]]) -> None:
    """`if __name__ == "__main__": main_for(run)` — a bench script run alone prints its own table."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale (1 = ERBM size, 10 = ten times)")
    args = parser.parse_args()
    print(markdown_table(run(args.scale)))


# ---------------------------------------------------------------- timing and memory


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1,
                setup: Callable[[], object] | None = None) -> float:
    """Median wall time of `fn()` over `repeat` runs, after `warmup` untimed runs; `setup()` runs untimed
    before each call (e.g. to copy a fresh database)."""
    times = []
    for i in range(warmup + repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t0
        if i >= warmup:
            times.append(elapsed)
    return statistics.median(times)


def reset_peak_memory() -> bool:
    """Reset this process's peak resident memory (Linux ≥ 4.0), so the next `peak_memory_mb()` is the peak
    of what follows. False when the platform cannot, and the peak then covers the whole process life."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_memory_mb() -> float | None:
    """Peak resident memory of this process in MB (VmHWM on Linux, ru_maxrss elsewhere on Unix)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
    except ImportError:
        return None


def measure(fn: Callable[[], object], repeat: int = 5, warmup: int = 1,
            setup: Callable[[], object] | None = None) -> tuple[float, float | None]:
    """(median seconds, peak MB during the runs) of `fn()`, in this process."""
    reset_peak_memory()
    median = median_time(fn, repeat, warmup, setup)
    return median, peak_memory_mb()


def run_child(argv: list[str], env: dict | None = None, timeout: float = 600,
              ) -> tuple[str, str, int, float | None]:
    """Run a child process to completion: (stdout, stderr, exit code, the child's own peak memory in MB).
    The child is reaped with os.wait4 so its peak resident memory is known (Unix); elsewhere it is None."""
    if not hasattr(os, "wait4"):
        try:
            proc = subprocess.run(argv, capture_output=True, env=env, cwd=REPO, text=True, timeout=timeout)
            return proc.stdout, proc.stderr, proc.returncode, None
        except subprocess.TimeoutExpired as exc:
            return str(exc.stdout or ""), f"(timeout after {timeout} s)", -9, None
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=REPO, text=True)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.001)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
        return out.read(), err.read(), code, peak


def child_env(**extra: str) -> dict:
    """Environment for a measured child: offscreen Qt, and settings/data folders of its own so a bench never
    touches the user's (the app remembers the last database in its settings)."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = CACHE_DIR / "home"
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    env.pop("ERBM_DESK_DB", None)
    env.update(extra)
    return env


# ---------------------------------------------------------------- data


def _demo_fingerprint() -> str:
    """Changes whenever the demo generator or the schema changes, so a cached demo database is rebuilt."""
    h = hashlib.sha256()
    pkg = REPO / "erbm_desk"
    for path in sorted([pkg / "services" / "database" / "demo.py", pkg / "db" / "models.py",
                        *(pkg / "db" / "migrations" / "versions").glob("*.py")]):
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def demo_database(scale: float, seed: int = 1) -> Path:
    """A demo database at `scale`, built once with `erbm-desk demo` and cached (read-only use: copy it with
    `copy_of()` before writing to it)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"demo-scale{scale:g}-seed{seed}-{_demo_fingerprint()}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        subprocess.run([sys.executable, "-m", "erbm_desk", "--db", str(tmp), "demo", "--seed", str(seed),
                        "--scale", f"{scale:g}"], check=True, cwd=REPO, env=child_env(),
                       stdout=subprocess.DEVNULL)
        os.replace(tmp, path)
    return path


def copy_of(database: Path, folder: Path | None = None) -> Path:
    """A fresh copy of a database file, for a bench that writes."""
    import shutil

    folder = folder or Path(tempfile.mkdtemp(prefix="erbm-bench-"))
    target = folder / database.name
    shutil.copyfile(database, target)
    return target
