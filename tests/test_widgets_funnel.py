"""The funnel/ABM explorers, built and driven headless: numbers and the client-side charts."""

from __future__ import annotations

import pandas as pd
import pytest

from marketing_kit import abm, datasets
from marketing_kit import funnel as fn
from marketing_kit.widgets.funnel import (
    AccountTimeline,
    FunnelExplorer,
    VelocityCalculator,
    explorer,
)

COUNTS = {"lead": 1000, "MQL": 400, "SQL": 100, "opportunity": 50, "won": 25}


@pytest.fixture(scope="module")
def crm():
    return [datasets.load(n) for n in ("crm_accounts", "crm_contacts", "crm_touches")]


def sends(chart) -> list[dict]:
    """Every figure the chart sends to the browser from now on."""
    sent: list[dict] = []
    chart.observe(lambda change: sent.append(change["new"]), names="figure")
    return sent


def test_funnel_explorer_starts_at_the_actual_funnel():
    app = FunnelExplorer(COUNTS, value_per_win=10_000)
    assert app.impact == pytest.approx(0)
    assert app.scenario["count"].tolist() == pytest.approx(list(COUNTS.values()))
    assert app.bottleneck == "SQL"
    outline, bars, labels = app.figure.data
    assert outline.name == "actual" and outline.line.dash == "dash" and bars.name == "scenario"
    # The actual funnel's dashed boxes: one closed box per stage, centred on 0, top stage on top.
    boxes = [outline.x[i:i + 5] for i in range(0, len(outline.x), 6)]
    assert [max(b) - min(b) for b in boxes] == pytest.approx(list(COUNTS.values()))
    assert [outline.y[i] for i in range(0, len(outline.y), 6)] == pytest.approx(
        [p - 0.39 for p in (4, 3, 2, 1, 0)])
    assert list(bars.x) == pytest.approx(list(COUNTS.values()))
    assert list(bars.base) == pytest.approx([-c / 2 for c in COUNTS.values()])
    assert list(bars.y) == [4, 3, 2, 1, 0] == list(app.figure.layout.yaxis.tickvals)
    assert list(app.figure.layout.yaxis.ticktext) == list(COUNTS)
    assert labels.text == ("1,000", "400  (40% of previous)", "100  (25% of previous)",
                           "50  (50% of previous)", "25  (50% of previous)")
    assert set(labels.x) == {520} and app.figure.layout.xaxis.range == (-550, 1150)
    assert app.figure.layout.title.text == "Scenario against the actual funnel"


def test_funnel_sliders_recompute_impact_and_redraw():
    app = FunnelExplorer(COUNTS, value_per_win=10_000)
    traces, sent = app.figure.data, sends(app.figure)
    app.controls["SQL"].value = 0.45
    assert app.impact == pytest.approx(fn.revenue_impact(COUNTS, "SQL", 0.45, 10_000))
    assert app.impact == pytest.approx(20 * 10_000)  # 1000 x .4 x .45 x .5 x .5 = 45 won
    assert app.bottleneck == "MQL"
    expected = fn.funnel_table(fn.apply_rates(pd.Series(COUNTS), app.rates()))
    bars = app.figure.data[1]
    assert list(bars.x) == pytest.approx(expected["count"].tolist())
    assert list(bars.x) == pytest.approx([1000, 400, 180, 90, 45])
    assert list(bars.base) == pytest.approx([-500, -200, -90, -45, -22.5])
    assert app.figure.data[2].text[2:] == ("180  (45% of previous)", "90  (50% of previous)",
                                           "45  (50% of previous)")
    assert all(a is b for a, b in zip(app.figure.data, traces, strict=True))  # not re-created
    assert len(sent) == 1 and sent[0]["data"][1]["x"][2] == pytest.approx(180)
    assert list(app.figure.data[0].x) == list(traces[0].x)  # the actual funnel stays put
    app.controls["value_per_win"].value = 20_000
    assert app.impact == pytest.approx(20 * 20_000)
    assert "+400,000" in app.summary.value
    assert len(sent) == 1  # the value per win is not on the chart: nothing sent
    app.controls["won"].value = 0.8
    assert list(app.figure.data[1].x)[-1] == pytest.approx(72) and len(sent) == 2


def test_velocity_calculator_matches_the_formula():
    app = VelocityCalculator(opportunities=18, win_rate=0.24, avg_deal_size=42_000, cycle_days=78)
    assert app.velocity == pytest.approx(2326.15, abs=0.01)
    app.controls["cycle_days"].value = 65
    assert app.velocity == pytest.approx(abm.pipeline_velocity(18, 0.24, 42_000, 65))
    assert "2,791" in app.result.value


def assert_chart_shows(app, contacts, touches, account):
    """The timeline chart holds exactly that account's touches, one row per committee member."""
    timeline = abm.touch_timeline(touches, account)
    members = contacts[contacts["account_id"] == account].reset_index(drop=True)
    chart = app.figure
    assert [d.name for d in chart.data] == ["Identify", "Expand", "Engage", "Advocate"]
    assert list(chart.layout.yaxis.ticktext) == [
        f"{role} ({c})" for role, c in zip(members["role"], members["contact_id"], strict=True)]
    assert list(chart.layout.yaxis.tickvals) == list(range(len(members)))
    assert chart.layout.yaxis.range == (len(members) - 0.4, -0.6)  # first member on top
    row = {c: float(i) for i, c in enumerate(members["contact_id"])}
    drawn = 0
    for trace in chart.data:
        part = timeline[timeline["stage"] == trace.name]
        assert pd.to_datetime(list(trace.x)).tolist() == part["timestamp"].tolist()
        assert list(trace.y) == [row[c] for c in part["contact_id"]]
        assert list(trace.marker.size) == part["weight"].tolist()
        assert trace.showlegend is (not part.empty)
        drawn += len(trace.x)
    assert drawn == len(timeline) == (touches["account_id"] == account).sum()
    assert chart.layout.title.text == f"Touches of account {account}"


def test_account_picker_shows_that_accounts_timeline(crm):
    accounts, contacts, touches = crm
    app = AccountTimeline(accounts, contacts, touches)
    first = app.controls["account"].value
    assert set(app.timeline["account_id"]) == {first}
    assert_chart_shows(app, contacts, touches, first)
    traces, height, sent = app.figure.data, app.figure.layout.height, sends(app.figure)
    other = app.controls["account"].options[-1][1]
    app.controls["account"].value = other
    assert set(app.timeline["account_id"]) == {other}
    assert len(app.timeline) == (touches["account_id"] == other).sum()
    assert str(app.stages[other]) in app.summary.value
    assert_chart_shows(app, contacts, touches, other)
    assert all(a is b for a, b in zip(app.figure.data, traces, strict=True)) and len(sent) == 1
    committee = (contacts["account_id"] == other).sum()
    assert app.figure.layout.height == 32 * committee + 120 != height
    hover = app.figure.data[1].text[0]
    kind, channel = app.timeline.loc[app.timeline["stage"] == "Expand"].iloc[0][
        ["kind", "channel"]]
    assert hover.endswith(f" · {kind.replace('_', ' ')} · {channel}")  # "web visit · Email"


def test_silent_committee_members_keep_their_row(crm):
    """The notebook asks which committee members never hear from us: they are rows without dots."""
    accounts, contacts, touches = crm
    app = AccountTimeline(accounts, contacts, touches)
    for account in [o[1] for o in app.controls["account"].options]:
        members = set(contacts.loc[contacts["account_id"] == account, "contact_id"])
        if members - set(touches.loc[touches["account_id"] == account, "contact_id"]):
            break
    else:
        pytest.fail("every touched account reached its whole committee")
    app.controls["account"].value = account
    silent = members - set(app.timeline["contact_id"])
    labels = list(app.figure.layout.yaxis.ticktext)
    rows = {labels.index(label) for label in labels if label[-6:-1] in silent}
    assert len(rows) == len(silent) and len(labels) == len(members)
    assert not rows & {y for trace in app.figure.data for y in trace.y}
    assert_chart_shows(app, contacts, touches, account)


def test_bad_counts_raise_and_the_tabs_build():
    app = FunnelExplorer(COUNTS)
    with pytest.raises(ValueError, match="must not increase"):
        FunnelExplorer({"a": 1, "b": 2})
    calc = VelocityCalculator()
    calc.controls["win_rate"].value = 0.0
    assert calc.velocity == 0 and calc.message.value == ""
    tab = explorer(COUNTS, datasets.load("crm_accounts"), datasets.load("crm_contacts"),
                   datasets.load("crm_touches"))
    assert len(tab.children) == 3 and tab.get_title(2) == "Account timeline"
    assert app.message.value == ""


def test_timeline_chart_joins_its_tab_when_shown(crm):
    """plotly.js would draw in a hidden tab: the chart is built when its tab is first shown."""
    tab = explorer(COUNTS, *crm)
    timeline = tab.children[2]
    assert tab.selected_index == 0 and timeline.chart_slot.children == ()
    assert timeline.figure is None
    other = timeline.controls["account"].options[1][1]
    timeline.controls["account"].value = other  # picked while hidden
    assert set(timeline.timeline["account_id"]) == {other} and timeline.message.value == ""
    tab.selected_index = 1
    assert timeline.figure is None
    tab.selected_index = 2
    assert timeline.chart_slot.children == (timeline.figure,)
    assert_chart_shows(timeline, crm[1], crm[2], other)  # built for the account picked then
    chart, sent = timeline.figure, sends(timeline.figure)
    tab.selected_index = 0
    tab.selected_index = 2
    assert timeline.figure is chart and sent == []  # built once
    last = timeline.controls["account"].options[-1][1]
    timeline.controls["account"].value = last
    assert_chart_shows(timeline, crm[1], crm[2], last)
    assert len(sent) == 1


def test_korean_labels_keep_the_numbers_and_draw_hangul():
    """Issue 18: in Korean the labels change, the numbers and the control keys do not."""
    import warnings

    from marketing_kit import i18n

    data = [datasets.load(n) for n in ("crm_accounts", "crm_contacts", "crm_touches")]
    english = explorer(COUNTS, *data)
    english.selected_index = 2  # its timeline chart is built in English
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            tab = explorer(COUNTS, *data)
            funnel_app, calc, timeline = tab.children
            funnel_app.controls["SQL"].value = 0.45  # redraw once more in Korean
            tab.selected_index = 2  # builds the timeline chart, in Korean
        assert tab.get_title(2) == "어카운트 타임라인"
        assert funnel_app.controls["won"].description == "영업기회 → 수주"
        assert "매출 효과" in funnel_app.summary.value and "병목" in funnel_app.summary.value
        assert funnel_app.bottleneck in COUNTS  # only the display is translated
        assert "파이프라인 속도" in calc.result.value
        assert "티어" in timeline.summary.value
        assert timeline.controls["account"].value == english.children[2].controls["account"].value
        chart = funnel_app.figure
        assert [d.name for d in chart.data[:2]] == ["실제", "시나리오"]
        assert list(chart.layout.yaxis.ticktext) == ["리드", "MQL", "SQL", "영업기회", "수주"]
        assert chart.data[2].text[2] == "180  (직전 단계의 45%)"
        assert chart.layout.title.text.startswith("시나리오와 실제 퍼널 비교")
        plot = timeline.figure
        assert [d.name for d in plot.data] == ["식별(Identify)", "확장(Expand)", "참여(Engage)",
                                               "옹호(Advocate)"]
        assert plot.layout.legend.title.text == "ABM 단계"
        assert plot.layout.title.text.startswith("어카운트 ")
        first = english.children[2].figure.layout.yaxis.ticktext[0]
        assert plot.layout.yaxis.ticktext[0].endswith(first[first.index(" ("):])
        assert plot.layout.yaxis.ticktext[0] != first  # the role is in Korean, the id is not
        assert list(plot.data[1].y) == list(english.children[2].figure.data[1].y)
        # The hover text was English (kind and channel as in the data): now all of it is Korean.
        catalogue = i18n.catalogue("ko")
        hovers = [h for trace in plot.data for h in trace.text]
        assert len(hovers) == len(timeline.timeline) > 0
        for hover in hovers:
            member, _, rest = hover.partition("<br>")
            when, kind, channel = rest.split(" · ")
            assert member.split(" (")[0] in catalogue.values()
            assert kind in catalogue.values() and channel in catalogue.values(), hover
        english_hover = english.children[2].figure.data[1].text[0]
        assert plot.data[1].text[0] != english_hover
        assert plot.data[1].text[0].split("<br>")[1][:16] == english_hover.split("<br>")[1][:16]
        assert [s.value for s in plot.layout.xaxis.tickformatstops][1] == "%Y년 %-m월"
        assert not english.children[2].figure.layout.xaxis.tickformatstops
        english.children[0].controls["SQL"].value = 0.45
        assert funnel_app.impact == pytest.approx(english.children[0].impact)
        assert f"{funnel_app.impact:+,.0f}" in funnel_app.summary.value
    finally:
        i18n.set_language("en")
    assert "revenue impact" in explorer(COUNTS, *data).children[0].summary.value


def test_every_touch_kind_and_channel_has_a_korean_label(crm):
    """The timeline's hover names each touch's kind and channel through t(): every kind the
    ABM module knows and every channel of the course data needs a ko/funnel.json entry."""
    from marketing_kit import i18n

    catalogue = i18n.catalogue("ko")
    missing = [k for k in abm.KIND_STAGE if k.replace("_", " ") not in catalogue]
    missing += [c for c in crm[2]["channel"].unique() if c not in catalogue]
    assert not missing, f"no Korean label for {missing}"


def test_charts_are_built_with_their_first_picture(crm, opened_charts):
    """The first picture is in the chart's first state: no update message is needed to show it.

    A browser that drops the messages sent while a chart's module loads (anywidget gives a model
    2 s to load its module, then ignores its messages) still draws the right first picture.
    """
    opened = opened_charts  # the state each chart opens with (conftest)
    funnel_app = FunnelExplorer(COUNTS, value_per_win=10_000)
    timeline = AccountTimeline(*crm)
    assert opened == [funnel_app.figure.figure, timeline.figure.figure]
    state = opened[0]["data"]
    assert state[1]["x"] == pytest.approx(list(COUNTS.values()))
    assert state[2]["text"][1] == "400  (40% of previous)"
    first = timeline.controls["account"].value
    drawn = sum(len(trace["x"]) for trace in opened[1]["data"])
    assert drawn == (crm[2]["account_id"] == first).sum() > 0
    assert opened[1]["layout"]["title"]["text"] == f"Touches of account {first}"
    assert opened[1]["layout"]["height"] == 32 * (crm[1]["account_id"] == first).sum() + 120
    for app in (funnel_app, timeline):
        sent = sends(app.figure)
        app.refresh()
        assert sent == [] and app.message.value == ""


def test_every_touch_of_the_year_shows_its_whole_dot(crm):
    """The timeline's date axis leaves a margin beyond the first and last touch of the data:
    a dot on 31 December was cut in half at the chart's edge."""
    accounts, contacts, touches = crm
    app = AccountTimeline(accounts, contacts, touches)
    low, high = (pd.Timestamp(day) for day in app.figure.layout.xaxis.range)
    when = pd.to_datetime(touches["timestamp"])
    assert low <= when.min() - pd.Timedelta(days=5) and when.max() + pd.Timedelta(days=5) <= high
