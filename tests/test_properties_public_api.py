"""Every public function of every topic module, fed junk in one argument (issue 12).

Whatever the junk, a call either works or raises ``TypeError``/``ValueError`` (never a
``KeyError``, ``AttributeError`` or ``IndexError`` from deep inside pandas), and a float result
is never a silent NaN or inf. The other arguments are a plain ``1``.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import marketing_kit

#: Modules of the package that are not topic modules (no junk sweep: loaders, CLI, course tools).
NOT_TOPICS = {"datasets", "__main__", "_validate"}
#: Every topic module, found by listing the package, so a new one is swept without being named.
TOPICS = tuple(sorted(
    info.name for info in pkgutil.iter_modules(marketing_kit.__path__)
    if not info.ispkg and info.name not in NOT_TOPICS and not info.name.startswith("_")))


def public_functions() -> list[tuple[str, object, int]]:
    """(name, function, number of required positional arguments) for every topic module."""
    found = []
    for topic in TOPICS:
        module = importlib.import_module(f"marketing_kit.{topic}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            required = [p for p in inspect.signature(function).parameters.values()
                        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                               p.POSITIONAL_OR_KEYWORD)]
            if required:
                found.append((f"{topic}.{name}", function, len(required)))
    return found


FUNCTIONS = public_functions()
JUNK = st.sampled_from([
    None, "x", "", math.nan, math.inf, -math.inf, -1, 0, 10**9, True, [], {}, (), [1, "a"],
    [math.nan], np.array([math.nan]), np.ones((2, 2)), pd.DataFrame(), pd.DataFrame({"a": [1]}),
    pd.Series([], dtype=float), pd.Series(["a", None]), object(),
])


def test_the_sweep_covers_every_topic():
    assert {name.split(".")[0] for name, _, _ in FUNCTIONS} == set(TOPICS)
    assert len(FUNCTIONS) > 100


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(FUNCTIONS), JUNK, st.data())
def test_junk_in_any_argument_raises_type_or_value_error(entry, junk, data):
    name, function, n_required = entry
    position = data.draw(st.integers(0, n_required - 1), label="position")
    args = [junk if i == position else 1 for i in range(n_required)]
    keywords = {p.name: 1 for p in inspect.signature(function).parameters.values()
                if p.kind == p.KEYWORD_ONLY and p.default is p.empty}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = function(*args, **keywords)
        except (TypeError, ValueError):
            return
    if isinstance(result, float):
        assert math.isfinite(result), f"{name}({args}) returned {result}"
