"""The fault-injection bench, run small: processes SIGKILLed while writing leave the file before or after."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "bench" / "fault_injection.py"


def test_killed_writers_leave_the_database_before_or_after(capsys):
    spec = importlib.util.spec_from_file_location("fault_injection", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    sys.modules["fault_injection"] = bench  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    lines: list[str] = []
    results = bench.run(kills=2, scenarios=["demo", "import", "restore"], scale=0.05, seed=7, out=lines.append)
    report = "\n".join(lines)
    assert {o.scenario for o in results} == {"demo", "import", "restore"}, report
    for outcome in results:
        assert outcome.kills == 2, report
        assert outcome.failures == [], report


def test_a_killed_erasure_leaves_no_name_in_any_copy_and_no_broken_backup(capsys):
    spec = importlib.util.spec_from_file_location("fault_injection", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    sys.modules["fault_injection"] = bench
    spec.loader.exec_module(bench)
    lines: list[str] = []
    [outcome] = bench.run(kills=3, scenarios=["erase"], scale=0.05, seed=5, out=lines.append)
    report = "\n".join(lines)
    assert outcome.kills == 3, report
    assert (outcome.leftovers, outcome.names, outcome.failures) == (0, 0, []), report
