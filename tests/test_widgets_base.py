"""What every explorer shares (marketing_kit.widgets._base.Explorer)."""

from __future__ import annotations

import ipywidgets as widgets

from marketing_kit.widgets._base import Explorer


class TwoOutputs(Explorer):
    """A slider, a label and an HTML table: enough to see when each reaches the browser."""

    def __init__(self, events: list[str]) -> None:
        self.events = events
        self.label, self.table = widgets.Label(), widgets.HTML()
        for name, widget in (("label", self.label), ("table", self.table)):
            widget._send = lambda msg, buffers=None, name=name: events.append(f"sent {name}")
        slider = widgets.IntSlider(value=1, min=0, max=10)
        super().__init__({"n": slider}, [slider, widgets.VBox([self.label, self.table])])
        self.refresh()

    def update(self) -> None:
        n = self.controls["n"].value
        if n == 0:
            raise ValueError("n must be at least 1")
        self.label.value = f"n = {n}"
        self.events.append("label set")
        self.table.value = f"<table><tr><td>{n}</td></tr></table>"
        self.events.append("table set")


def test_a_move_reaches_the_browser_in_one_go_after_update_returns():
    events: list[str] = []
    app = TwoOutputs(events)
    events.clear()
    app.controls["n"].value = 2
    # without the hold the label would be sent before the table was computed
    assert events == ["label set", "table set", "sent label", "sent table"]
    assert {id(w) for w in app.outputs()} >= {id(app.label), id(app.table), id(app.message)}
    assert id(app.controls["n"]) not in {id(w) for w in app.outputs()}


def test_an_invalid_input_shows_its_message_and_keeps_the_last_drawing():
    events: list[str] = []
    app = TwoOutputs(events)
    app.controls["n"].value = 0
    assert "n must be at least 1" in app.message.value and app.label.value == "n = 1"
    app.controls["n"].value = 3
    assert app.message.value == "" and app.label.value == "n = 3"
