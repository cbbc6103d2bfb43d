"""The language of a notebook's explorers and charts: English (default) or Korean.

A notebook chooses its language in its first code cell with ``set_language("en")``; its Korean
twin, generated from it (:mod:`marketing_kit.i18n.edition`), says ``set_language("ko")`` (the
only difference between the two is that string literal). Widgets and plotting helpers pass
every label through :func:`t`, which returns the Korean label from ``ko/*.json`` when the language
is Korean. Choosing Korean also makes matplotlib draw Hangul with NanumGothic, shipped by the
PyPI package ``koreanize-matplotlib`` (fonts under the SIL Open Font License), so charts have no
missing-glyph boxes on a machine that has only pip.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "ko")
KOREAN_FONT = "NanumGothic"
_state = {"language": "en"}


def language() -> str:
    """The current language code, ``"en"`` or ``"ko"``."""
    return _state["language"]


def set_language(code: str) -> None:
    """Choose the language of explorers and charts: ``"en"`` or ``"ko"``."""
    if not isinstance(code, str):
        raise TypeError(f"code must be a string, one of {LANGUAGES}; got {type(code).__name__}")
    if code not in LANGUAGES:
        raise ValueError(f"code must be one of {LANGUAGES}; got {code!r}")
    _state["language"] = code
    if code == "ko":
        use_korean_font()


@cache
def catalogue(code: str = "ko") -> dict[str, str]:
    """The label translations of ``code``: English label -> translated label.

    One JSON file per topic in ``marketing_kit/i18n/<code>/`` (``social_roi.json``, ...), merged.
    """
    if code not in LANGUAGES or code == "en":
        raise ValueError(f"code must be a translated language, one of {LANGUAGES[1:]}; "
                         f"got {code!r}")
    labels: dict[str, str] = {}
    for path in sorted((Path(__file__).parent / code).glob("*.json")):
        for english, translated in json.loads(path.read_text(encoding="utf-8")).items():
            if labels.get(english, translated) != translated:
                raise ValueError(f"{path.name}: label {english!r} is translated twice, differently")
            labels[english] = translated
    return labels


def t(label: str) -> str:
    """``label`` in the current language (English labels are their own key).

    A label with no translation is returned as it is, and ``tests/test_i18n.py`` fails for any
    label a widget passes through here that ``ko/*.json`` lacks.
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a string; got {type(label).__name__}")
    if _state["language"] == "en":
        return label
    return catalogue(_state["language"]).get(label, label)


@cache
def use_korean_font() -> str:
    """Register NanumGothic with matplotlib and make it the first font; returns its file path."""
    import matplotlib as mpl
    from matplotlib import font_manager

    # Only the package's font files are used: importing it would run its own set-up, which
    # relies on the deprecated distutils.
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Korean charts need the font package: pip install koreanize-matplotlib")
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    path = folder / f"{KOREAN_FONT}.ttf"
    for ttf in sorted(folder.glob("*.ttf")):
        font_manager.fontManager.addfont(str(ttf))
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [KOREAN_FONT, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams["axes.unicode_minus"] = False  # NanumGothic has no U+2212 minus sign
    return str(path)
