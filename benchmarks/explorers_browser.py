"""Explorer latency where the student sits: JupyterLab in headless Chromium, input to DOM.

For every explorer in :data:`EXPLORERS` a scratch notebook (``artifacts/bench-explorers/``,
git-ignored) builds it as its solution notebook does (``benchmarks.widgets.RECIPES``) and shows
it. The benchmark opens the notebook in JupyterLab in Debian's Chromium (Playwright, never
``playwright install``), then moves controls one at a time: a slider handle by the ArrowRight /
ArrowLeft key, a dropdown by setting its value and dispatching ``change``. In the page a
capture-phase ``keydown`` listener (or the dispatch itself) stamps ``performance.now()``; a
``MutationObserver`` on the explorer's output (everything except the controls and their
readouts) stamps every later DOM change. End to end = last mutation - input, once the kernel
is idle again (every update of the callback has been sent) and the output has been quiet for
:data:`SETTLE_MS`. So it counts the comm round trip, the kernel callback, the
message to the browser and the DOM update: the PNG's ``src`` swap, plotly.js restyling its SVG,
or the HTML board's new markup (image decoding and paint are not counted).

In the kernel, each explorer's ``update`` is wrapped to record its wall and CPU time: the
Python side. Side by side in the same run: **baseline** (one ipywidgets slider updating one
``Label``) and **floor** (one slider moving the one point of a ``_plotly.Chart``: what every
chart explorer costs before it computes anything). ``--before DIR`` makes the run a before/after
pair: every explorer (and the baseline) is measured on the copy of ``marketing_kit`` in ``DIR``
(e.g. ``git archive <commit> marketing_kit``; the scratch notebook puts ``DIR`` first on
``sys.path``) and then on this tree, one right after the other in the same JupyterLab and
browser, so both see the same load. ``--pythonpath DIR`` measures only that copy.

``python -m benchmarks.explorers_browser [--before DIR | --pythonpath DIR] [--tag NAME]
[name ...]``.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results")
SCRATCH = REPO / "artifacts" / "bench-explorers"
SHOTS = REPO / "artifacts" / "bench-explorers" / "shots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
TOKEN = "marketing-kit-bench"
GOAL_P95_MS, GOAL_PYTHON_MS, GOAL_RATIO = 100.0, 50.0, 2.0
MOVES = 12  # timed control moves per explorer (round-robin over its visible controls)
SETTLE_MS = 300  # kernel idle again and the output quiet this long = updated
BASELINE = "baseline: 1 slider -> 1 Label"
CHART_FLOOR = "floor: 1 slider -> 1-point plotly Chart"
REFERENCES = {BASELINE: "baseline", CHART_FLOOR: "reference"}
# label -> recipe (benchmarks.widgets RECIPES or BROWSER_RECIPES; None: the baseline), class
EXPLORERS: dict[str, tuple[str | None, str | None]] = {
    BASELINE: (None, None),
    CHART_FLOOR: ("chart floor", None),
    "swot.SwotExplorer": ("SwotExplorer", "SwotExplorer"),
    "stp.StpExplorer": ("StpExplorer", "StpExplorer"),
    "nps.NpsExplorer": ("NpsExplorer", "NpsExplorer"),
    "social_roi.SocialRoiExplorer": ("SocialRoiExplorer", "SocialRoiExplorer"),
    "getting_started.GettingStartedExplorer": ("GettingStartedExplorer",
                                               "GettingStartedExplorer"),
    "plc.BassExplorer": ("BassExplorer", "BassExplorer"),
    "ltv.ClvExplorer": ("ClvExplorer", "ClvExplorer"),
    "ltv.CustomerExplorer": ("CustomerExplorer", "CustomerExplorer"),
    "funnel.FunnelExplorer": ("FunnelExplorer", "FunnelExplorer"),
    "funnel.AccountTimeline": ("AccountTimelineAlone", "AccountTimeline"),
    "attribution.AttributionExplorer": ("AttributionExplorer", "AttributionExplorer"),
    "direct_marketing.MailingExplorer": ("MailingExplorer", "MailingExplorer"),
    "ga4.Ga4DashboardExplorer": ("Ga4DashboardExplorer", "Ga4DashboardExplorer"),
    "capstone.CapstoneExplorer": ("CapstoneExplorer", "CapstoneExplorer"),
}
CONTROL_SELECTOR = (".widget-slider, .widget-hslider, .widget-dropdown, .widget-select, "
                    ".widget-select-multiple, .widget-checkbox, .widget-toggle-buttons, "
                    ".widget-readout, .lm-TabBar, .widget-int-text, .widget-float-text")


# ---- kernel side -----------------------------------------------------------------------------

TIMES: list[tuple[float, float]] = []  # (wall ms, CPU ms) of every timed Python callback


def kernel_build(recipe: str | None, cls_name: str | None):
    """Build the widget in the kernel and wrap its explorer's ``update`` with a timer."""
    import ipywidgets as widgets

    def timed(function):
        def wrapper(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                TIMES.append(((time.perf_counter() - wall) * 1000,
                              (time.process_time() - cpu) * 1000))
        return wrapper

    if recipe is None:
        slider, label = widgets.IntSlider(value=50, min=0, max=100), widgets.Label("50")
        slider.observe(timed(lambda change: setattr(label, "value", str(change["new"]))),
                       names="value")
        return widgets.VBox([slider, label])
    if recipe == "chart floor":  # what any explorer on a Chart costs: nothing to compute
        from marketing_kit.widgets import _plotly

        slider = widgets.IntSlider(value=50, min=0, max=100)
        chart = _plotly.new_figure([{"type": "scatter", "x": [50], "y": [50]}],
                                   {"xaxis": {"range": [0, 100]}, "yaxis": {"range": [0, 100]}},
                                   width=400, height=300)
        slider.observe(timed(lambda change: _plotly.update(chart, {0: {"x": [change["new"]]}})),
                       names="value")
        return widgets.VBox([slider, chart])
    from benchmarks.widgets import BROWSER_RECIPES, RECIPES, explorers_in

    widget = {**RECIPES, **BROWSER_RECIPES}[recipe]()
    for app in explorers_in(widget):
        if type(app).__name__ == cls_name:
            app.update = timed(app.update)
    return widget


def kernel_times() -> str:
    return json.dumps(TIMES)


# ---- browser side ----------------------------------------------------------------------------

OBSERVE_JS = """([root, exclude]) => {
  window.__mk = {t0: null, last: null};
  const ignore = n => { const e = n.nodeType === 1 ? n : n.parentElement;
                        return !e || !!e.closest(exclude); };
  if (window.__mkObserver) window.__mkObserver.disconnect();
  window.__mkObserver = new MutationObserver(records => {
    const now = performance.now();
    if (window.__mk.t0 !== null && records.some(r => !ignore(r.target))) window.__mk.last = now;
  });
  window.__mkObserver.observe(root, {subtree: true, childList: true, attributes: true,
                                     characterData: true});
  if (!window.__mkKey) {
    window.__mkKey = true;
    document.addEventListener('keydown', () => { window.__mk.t0 = performance.now();
                                                  window.__mk.last = null; }, true);
  }
}"""
SELECT_JS = """([el, value]) => { el.value = value; window.__mk.last = null;
  window.__mk.t0 = performance.now(); el.dispatchEvent(new Event('change', {bubbles: true})); }"""
SETTLED_JS = f"""() => {{
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  return window.__mk.last !== null && k.status === 'idle'
    && performance.now() - window.__mk.last > {SETTLE_MS}; }}"""
SHOW_TAB_JS = """(el) => {  // a control on a hidden tab: click that tab first
  if (el.offsetParent !== null) return false;
  const tab = el.closest('.jupyter-widget-Collapse, .widget-tab, .jupyter-widget-Tab');
  if (!tab) return false;
  const panels = [...tab.querySelector('.widget-tab-contents, .lm-StackedPanel').children];
  const index = panels.findIndex(p => p.contains(el));
  const titles = tab.querySelectorAll('.lm-TabBar-tab');
  if (index < 0 || !titles[index]) return false;
  for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'])
    titles[index].dispatchEvent(new PointerEvent(type, {bubbles: true, button: 0,
                                                        pointerType: 'mouse'}));
  return true;
}"""
EXEC_JS = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = m => { if (m.header.msg_type === 'stream') out += m.content.text;
                          if (m.header.msg_type === 'error') out += 'ERROR ' + m.content.evalue; };
  await future.done;
  return out;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_lab() -> tuple[subprocess.Popen, int, Path]:
    """JupyterLab from this venv at the repository root on a free loopback port."""
    settings = Path(tempfile.mkdtemp(prefix="mk-bench-lab-"))
    for plugin, content in (("docmanager-extension", '{"autosave": false}'),
                            ("apputils-extension", '{"fetchNews": "false"}')):
        folder = settings / "@jupyterlab" / plugin
        folder.mkdir(parents=True)
        name = "plugin" if plugin.startswith("doc") else "notification"
        (folder / f"{name}.jupyterlab-settings").write_text(content)
    port = free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
               "--ip=127.0.0.1", f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={REPO}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "PYTHONPATH": str(REPO)}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                 "MPLCONFIGDIR"):
        env.setdefault(name, str(settings / name.lower()))
    log = settings / "lab.log"
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log.open("w"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/status",
                                             headers={"Authorization": f"token {TOKEN}"})
            urllib.request.urlopen(request, timeout=10).read()
            return server, port, settings
        except OSError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                server.terminate()
                raise RuntimeError(f"JupyterLab did not start: {log.read_text()[-2000:]}") \
                    from error
            time.sleep(0.5)


def scratch_notebook(label: str, recipe: str | None, cls_name: str | None, tag: str = "current",
                     pythonpath: str | None = None) -> Path:
    """A one-cell notebook building ``recipe``; ``pythonpath`` (another copy of
    ``marketing_kit``) goes first on the kernel's ``sys.path``."""
    import nbformat

    SCRATCH.mkdir(parents=True, exist_ok=True)
    first = f"import sys\nsys.path.insert(0, {pythonpath!r})\n" if pythonpath else ""
    cell = (f"{first}%matplotlib inline\nfrom benchmarks.explorers_browser import kernel_build\n"
            f"widget = kernel_build({recipe!r}, {cls_name!r})\nwidget")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = SCRATCH / f"{tag.replace(' ', '-')}-{label.split(':')[0].replace('.', '_')}.ipynb"
    nbformat.write(notebook, path)
    return path


def controls_of(root) -> list[tuple[str, object]]:
    """Slider handles and dropdowns inside the explorer, in page order."""
    found = [("slider", h) for h in root.query_selector_all(".widget-slider .noUi-handle")]
    found += [("dropdown", s) for s in root.query_selector_all(".widget-dropdown select")]
    return found


def move(page, kind: str, control, step: int) -> bool:
    """Move one control; True if the input was sent (the observer then times it)."""
    if page.evaluate(SHOW_TAB_JS, control):
        page.wait_for_timeout(SETTLE_MS)
    if not control.is_visible():
        return False  # on a tab this benchmark could not open: not timed
    if control.evaluate("e => !!e.closest('[disabled], .mod-disabled')"):
        return False  # disabled for the current setting (attribution's half-life): not timed
    if kind == "slider":
        # scrollIntoView, not Playwright's scroll_into_view_if_needed: that waited for a SWOT
        # slider handle to be "stable" and timed out (30 s) in two quiet runs
        control.evaluate("e => e.scrollIntoView({block: 'center'})")
        control.focus()
        page.wait_for_timeout(50)
        page.evaluate("() => { window.__mk.t0 = null; window.__mk.last = null; }")
        page.keyboard.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
        return True
    values = control.evaluate("s => [...s.options].map(o => o.value)")
    current = control.evaluate("s => s.value")
    others = [v for v in values if v != current]
    if not others:
        return False
    page.evaluate(SELECT_JS, [control, others[step % len(others)]])
    return True


def measure_one(context, port: int, label: str, recipe: str | None, cls_name: str | None,
                moves: int, tag: str, pythonpath: str | None = None) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    path = scratch_notebook(label, recipe, cls_name, tag, pythonpath).relative_to(REPO).as_posix()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # a workspace of its own: a shared one reopens the previous page's notebook, which then
    # raced this one to be the current widget (a row of the floor measured the baseline)
    workspace = f"bench-{Path(path).stem}-{time.monotonic_ns()}"
    url = f"http://127.0.0.1:{port}/lab/workspaces/{workspace}/tree/{path}?token={TOKEN}"
    page.goto(url, wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel;"
        " return k && k.connectionStatus === 'connected' && k.status === 'idle'; }",
        timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(".jp-OutputArea-output .jupyter-widgets .widget-slider, "
                           ".jp-OutputArea-output .jupyter-widgets .widget-dropdown",
                           state="attached", timeout=120_000)  # the first may sit on a tab
    page.wait_for_timeout(3000)  # plotly.js and images finish their first draw
    # the output holding the widgets (not a warning printed beside it, which may go away)
    root = page.query_selector(".jp-OutputArea-output:has(.jupyter-widgets)")
    page.evaluate(OBSERVE_JS, [root, CONTROL_SELECTOR])
    controls = controls_of(root)
    page.evaluate(EXEC_JS, "from benchmarks.explorers_browser import TIMES; TIMES.clear()")
    latencies, missed = [], 0
    for step in range(3 * moves):  # untimed moves (a hidden or one-option control) are skipped
        if len(latencies) + missed >= moves:
            break
        kind, control = controls[step % len(controls)]
        if not move(page, kind, control, step // len(controls)):
            continue
        try:
            page.wait_for_function(SETTLED_JS, timeout=15_000, polling=50)
        except PlaywrightTimeout:
            missed += 1
            continue
        latencies.append(page.evaluate("() => window.__mk.last - window.__mk.t0"))
    times = json.loads(page.evaluate(
        EXEC_JS, "from benchmarks.explorers_browser import kernel_times; print(kernel_times())"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{tag}-{label.split(':')[0].replace('.', '_')}.png"
    screenshot(page, root, shot)
    uses = page.evaluate("(r) => r.querySelector('.js-plotly-plot') ? 'plotly' : "
                         "(r.querySelector('img') ? 'PNG' : 'HTML/label')", root)
    page.close()
    widget_errors = [e for e in errors if "favicon" not in e and "Failed to load" not in e]
    return {"explorer": label, "tag": tag, "path": uses, "controls": len(controls),
            "moves": len(latencies), "missed": missed, "e2e": latencies,
            "python_wall": [w for w, _ in times], "python_cpu": [c for _, c in times],
            "errors": widget_errors[:3], "screenshot": str(shot.relative_to(REPO))}


def screenshot(page, root, path: Path) -> None:
    """The explorer's output as a PNG. A clip of the page, not an element screenshot: that waits
    for the element to be "stable", and timed out (30 s) on some explorers in quiet runs."""
    box = root.bounding_box()  # the page grows to fit it below JupyterLab's bars
    if box is None:
        print(f"  no screenshot {path.name}: the output is not visible", flush=True)
        return
    page.set_viewport_size({"width": 1400, "height": max(1100, int(box["height"]) + 300)})
    root.evaluate("e => e.scrollIntoView()")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), clip=root.bounding_box() or box)
    page.set_viewport_size({"width": 1400, "height": 1100})


def measure(names: list[str], copies: list[tuple[str, str | None]],
            moves: int = MOVES) -> list[dict]:
    """Rows of every explorer in ``names`` (and the baseline), each measured on every copy
    ``(tag, pythonpath)`` in turn before the next explorer."""
    from playwright.sync_api import sync_playwright

    server, port, _ = start_lab()
    rows = []
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS,
                                             headless=True)
            context = browser.new_context(viewport={"width": 1400, "height": 1100})
            for label in [*REFERENCES, *[n for n in EXPLORERS if n in names
                                         and n not in REFERENCES]]:
                recipe, cls_name = EXPLORERS[label]
                for tag, pythonpath in copies:
                    if label == CHART_FLOOR and pythonpath and not (
                            Path(pythonpath) / "marketing_kit/widgets/_plotly.py").exists():
                        continue  # a copy from before the client-side charts
                    row = None
                    for attempt in (1, 2):  # a page that did not load is retried once
                        try:
                            row = measure_one(context, port, label, recipe, cls_name, moves,
                                              tag, pythonpath)
                            break
                        except Exception as error:  # one failure must not end the run
                            print(f"  {label} [{tag}]: attempt {attempt} NOT MEASURED "
                                  f"({str(error).splitlines()[0]})", flush=True)
                            shutdown_kernels(port)
                    if row is None:
                        continue
                    rows.append(row)
                    print(f"  {label} [{tag}] ({row['path']}): p95 {pct(row['e2e'], 95):.0f} ms"
                          f" end to end, Python p95 {pct(row['python_wall'], 95):.0f} ms",
                          flush=True)
                    shutdown_kernels(port)
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return rows


def shutdown_kernels(port: int) -> None:
    def call(path: str, method: str = "GET") -> bytes:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                         headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.read()

    for session in json.loads(call("/api/sessions")):
        call(f"/api/sessions/{session['id']}", method="DELETE")


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q)) if samples else float("nan")


def render(rows: list[dict]) -> str:
    """Markdown table; the ratio is end-to-end p95 over the baseline's p95 of the same run."""
    base = {r["tag"]: pct(r["e2e"], 95) for r in rows if r["explorer"] == BASELINE}
    lines = ["| explorer | run | chart path | moves | end-to-end p50 ms | end-to-end p95 ms | "
             "Python p50 ms | Python p95 ms | Python CPU p95 ms | p95 / baseline p95 | "
             "goal (<100 ms, Python <50 ms, <2x baseline) |",
             "| --- | --- | --- |" + " ---: |" * 7 + " --- |"]
    for r in rows:
        p95, python95 = pct(r["e2e"], 95), pct(r["python_wall"], 95)
        ratio = p95 / base[r["tag"]] if base.get(r["tag"]) else float("nan")
        met = p95 < GOAL_P95_MS and python95 < GOAL_PYTHON_MS and ratio < GOAL_RATIO
        note = f" ({r['missed']} moves without a DOM change)" if r["missed"] else ""
        lines.append(
            f"| {r['explorer']} | {r['tag']} | {r['path']} | {r['moves']}{note} | "
            f"{statistics.median(r['e2e']) if r['e2e'] else float('nan'):.0f} | {p95:.0f} | "
            f"{pct(r['python_wall'], 50):.0f} | {python95:.0f} | "
            f"{pct(r['python_cpu'], 95):.0f} | {ratio:.1f} | "
            f"{REFERENCES.get(r['explorer'], 'yes' if met else 'no')} |")
    return "\n".join(lines)


def main(argv: list[str] | tuple[str, ...] = ()) -> None:
    args = list(argv)

    def option(name: str) -> str | None:
        if name not in args:
            return None
        i = args.index(name)
        if i + 1 == len(args):
            raise SystemExit(f"{name} needs a value")
        value = args.pop(i + 1)
        args.pop(i)
        return value

    before, pythonpath, tag = option("--before"), option("--pythonpath"), option("--tag")
    if before and pythonpath:
        raise SystemExit("give --before DIR (a before/after pair) or --pythonpath DIR, not both")
    for folder in (before, pythonpath):
        if folder and not (Path(folder) / "marketing_kit" / "__init__.py").exists():
            raise SystemExit(f"{folder} holds no marketing_kit package")
    if before:
        tag = tag or "before-after"
        copies = [("before", str(Path(before).resolve())), ("after", None)]
    else:
        tag = tag or ("other copy" if pythonpath else "current")
        copies = [(tag, str(Path(pythonpath).resolve()) if pythonpath else None)]
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (`make test` apt-gets Debian's chromium)")
        return
    names = args or list(EXPLORERS)
    unknown = sorted(set(names) - set(EXPLORERS))
    if unknown:
        raise SystemExit(f"unknown explorer(s) {unknown}; choose from {list(EXPLORERS)}")
    load = os.getloadavg()
    print(f"explorers in the browser ({tag}), load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}", flush=True)
    rows = measure(names, copies)
    table = render(rows)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    slug = tag.replace(" ", "-")
    (RESULTS / f"explorers_browser-{slug}.md").write_text(
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n\n{table}\n")
    (RESULTS / f"explorers_browser-{slug}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
