"""What every explorer shares: a VBox with a refresh hook and PNG rendering of figures.

Figures are drawn with :class:`matplotlib.figure.Figure` (no pyplot state, no backend) and shown
as PNG bytes in an :class:`ipywidgets.Image`, so an explorer behaves the same in JupyterLab, in
a headless kernel and in pytest, and a test can see that the picture changed.
"""

from __future__ import annotations

import io
from contextlib import ExitStack

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

PAD_INCHES = 0.1  # margin kept around the content, as savefig(bbox_inches="tight") keeps
_OVERFLOWING: set[tuple] = set()  # figure layouts seen with content outside the canvas


def _layout_key(figure: Figure) -> tuple:
    """Figure size and axes positions: an explorer redraws the same layout again and again."""
    size = tuple(np.round(figure.get_size_inches(), 3))
    return size, tuple(tuple(np.round(ax.get_position().bounds, 3)) for ax in figure.axes)


def figure_png(figure: Figure, dpi: int = 90) -> bytes:
    """Render ``figure`` to PNG bytes, cropped to its content plus a 0.1-inch margin.

    The picture matches ``savefig(bbox_inches="tight")`` with one layout pass fewer (see
    ``benchmarks/widgets.py``): the figure is drawn once on an Agg canvas, the tight box is
    measured on the drawn figure and the pixel buffer is cropped to it. Only if some content
    lies outside the canvas (which ``bbox_inches="tight"`` would enlarge) does it fall back to
    ``savefig``, and then straight away for later figures with the same layout.
    """
    key = _layout_key(figure)
    if key in _OVERFLOWING:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()
    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    box = figure.get_tightbbox(canvas.get_renderer())
    width, height = figure.get_size_inches()
    slack = 1.0 / dpi  # one pixel: text boxes carry a little blank ascent
    if box is None or box.x0 < -slack or box.y0 < -slack or box.x1 > width + slack \
            or box.y1 > height + slack:
        # Some content lies outside the canvas: let savefig enlarge it to the measured box
        # (one more draw, but no second layout pass as bbox_inches="tight" would make).
        _OVERFLOWING.add(key)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi,
                       bbox_inches=box.padded(PAD_INCHES) if box is not None else None)
        return buffer.getvalue()
    # The padded box may reach past the canvas edge (the margin, or a pixel of blank text
    # ascent): crop what was drawn and fill the rest with the figure's background.
    pixels = np.asarray(canvas.buffer_rgba())
    rows = pixels.shape[0]
    left, right = int((box.x0 - PAD_INCHES) * dpi), int(np.ceil((box.x1 + PAD_INCHES) * dpi))
    top = rows - int(np.ceil((box.y1 + PAD_INCHES) * dpi))
    bottom = rows - int((box.y0 - PAD_INCHES) * dpi)
    background = tuple(int(round(255 * c)) for c in figure.get_facecolor())
    image = Image.new("RGBA", (right - left, bottom - top), background)
    drawn = pixels[max(top, 0):min(bottom, rows), max(left, 0):min(right, pixels.shape[1])]
    image.paste(Image.fromarray(drawn), (max(left, 0) - left, max(top, 0) - top))
    buffer = io.BytesIO()
    image.save(buffer, format="png")
    return buffer.getvalue()


class Explorer(widgets.VBox):
    """Base explorer: subclasses build ``controls`` and implement :meth:`update`.

    Every control in ``self.controls`` triggers :meth:`refresh` on change; ``refresh`` calls
    ``update`` and stores any error message in ``self.message`` instead of raising inside a
    widget callback (where the student would never see the traceback).
    """

    def __init__(self, controls: dict[str, widgets.Widget], body: list[widgets.Widget]) -> None:
        self.controls = controls
        self.message = widgets.HTML()
        super().__init__(children=[*body, self.message])
        for control in controls.values():
            control.observe(self.refresh, names="value")

    def update(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def outputs(self) -> list[widgets.Widget]:
        """Every widget inside the explorer except its controls (charts, tables, labels)."""
        controls = {id(control) for control in self.controls.values()}
        found, stack = [], [self]
        while stack:
            widget = stack.pop()
            if id(widget) in controls:
                continue
            found.append(widget)
            stack.extend(getattr(widget, "children", ()))
        return found

    def refresh(self, change: object = None) -> None:
        """Recompute and redraw; show a readable message if the inputs are invalid.

        What ``update`` changes reaches the browser together, when it returns: the chart, the
        tables and the labels of one move are drawn in one go, never half-updated."""
        with ExitStack() as held:
            for widget in self.outputs():
                held.enter_context(widget.hold_sync())
            try:
                self.update()
            except (TypeError, ValueError) as error:
                self.message.value = f"<span style='color:#b00020'>⚠ {error}</span>"
            else:
                self.message.value = ""
