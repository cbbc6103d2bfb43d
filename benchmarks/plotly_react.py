"""How long plotly.js itself takes to redraw an explorer's chart: the browser's share of a move.

The browser benchmark (``explorers_browser.py``) times input -> DOM for a whole explorer; this
one isolates the ``Plotly.react`` call our ``_plotly.Chart`` view makes. Each explorer named on
the command line is built as its notebook builds it (``benchmarks.widgets.RECIPES``), its first
control is moved six times in Python and the chart's synced ``figure`` is recorded after each
move; a static page with plotly.js (from the plotly wheel) then replays those figures in
Debian's headless Chromium with ``Plotly.react``, five rounds, timing the call and the call plus
the next animation frame. ``python -m benchmarks.plotly_react [ExplorerClass ...]``.
"""

from __future__ import annotations

import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from benchmarks.explorers_browser import CHROMIUM, FLAGS

REPLAY_JS = """async ([figures, template]) => {
  const el = document.getElementById('chart'); Plotly.purge(el);
  const layout = f => ({...f.layout, template});
  await Plotly.react(el, figures[0].data, layout(figures[0]));
  const times = [];
  for (let round = 0; round < 5; round++) for (const f of figures.slice(1)) {
    const t0 = performance.now();
    await Plotly.react(el, JSON.parse(JSON.stringify(f.data)), layout(f));
    const t1 = performance.now();
    await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
    times.push([t1 - t0, performance.now() - t0]);
  }
  return times; }"""


def chart_figures(name: str, moves: int = 6) -> list[dict]:
    """The first chart's synced figure before and after ``moves`` moves of the first control."""
    from benchmarks.widgets import RECIPES, explorers_in, other_value
    from marketing_kit.widgets._plotly import Chart

    app = next(a for a in explorers_in(RECIPES[name]()) if type(a).__name__ == name)
    chart = next(v for v in vars(app).values() if isinstance(v, Chart))
    control = next(iter(app.controls.values()))
    original, figures = control.value, [chart.figure]
    for step in range(moves):
        control.value = other_value(control, original, step)
        figures.append(chart.figure)
    return figures


def main(argv: list[str] | tuple[str, ...] = ()) -> None:
    import plotly.io as pio
    from playwright.sync_api import sync_playwright
    from plotly.offline import get_plotlyjs

    from marketing_kit.widgets._plotly import TEMPLATE

    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (`make browser-deps` apt-gets it)")
        return
    names = list(argv) or ["NpsExplorer", "ClvExplorer", "StpExplorer", "BassExplorer"]
    site = Path(tempfile.mkdtemp(prefix="mk-plotly-react-"))
    (site / "plotly.js").write_text(get_plotlyjs())
    (site / "page.html").write_text("<html><head><script src='plotly.js'></script></head>"
                                    "<body><div id='chart'></div></body></html>")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    template = pio.templates[TEMPLATE].layout.to_plotly_json()
    print("| chart | figure kB | Plotly.react p50 ms | p95 ms | react + next frame p50 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/page.html")
            page.wait_for_function("() => window.Plotly")
            for name in names:
                figures = chart_figures(name)
                times = page.evaluate(REPLAY_JS, [figures, template])
                react = sorted(a for a, _ in times)
                p95 = react[int(0.95 * (len(react) - 1))]
                print(f"| {name} | {len(json.dumps(figures[0])) / 1000:.1f} | "
                      f"{statistics.median(react):.1f} | {p95:.1f} | "
                      f"{statistics.median(b for _, b in times):.1f} |", flush=True)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
