"""Every chart test runs twice: with the speed-ups that reach into matplotlib's internals (charts/speedups.py),
and through matplotlib's public road — the one an untested matplotlib release, or ERBM_DESK_CHART_SPEEDUPS=0,
takes. Both must draw the same charts."""

import pytest

from erbm_desk.charts import speedups


@pytest.fixture(autouse=True, params=["accelere", "public"])
def chart_speedups(request):
    on = request.param == "accelere"
    if on and not speedups.supported():
        pytest.skip("matplotlib hors de la plage testée : accélérations désactivées")
    with speedups.forced(on):
        yield on
