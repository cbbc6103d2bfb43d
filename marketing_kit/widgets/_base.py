"""What every explorer shares: a VBox with a refresh hook and PNG rendering of figures.

Figures are drawn with :class:`matplotlib.figure.Figure` (no pyplot state, no backend) and shown
as PNG bytes in an :class:`ipywidgets.Image`, so an explorer behaves the same in JupyterLab, in
a headless kernel and in pytest, and a test can see that the picture changed.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.figure import Figure


def figure_png(figure: Figure, dpi: int = 90) -> bytes:
    """Render ``figure`` to PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
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

    def refresh(self, change: object = None) -> None:
        """Recompute and redraw; show a readable message if the inputs are invalid."""
        try:
            self.update()
        except (TypeError, ValueError) as error:
            self.message.value = f"<span style='color:#b00020'>⚠ {error}</span>"
        else:
            self.message.value = ""
