"""Emphasis that renders: no `*`/`**` marker survives into the text students see.

CommonMark only closes `**bold**` when the closing run is right-flanking; a closing `**` after
punctuation and directly before a letter is not (spec 0.31.2, section 6.2 "Emphasis and strong
emphasis": rules 3 and 7, with the right-flanking definition). Korean particles hit this:
`**병목(bottleneck)**은` shows literal asterisks in JupyterLab (marked) and nbconvert (mistune);
`**병목**(bottleneck)은` renders. The check renders every markdown cell with nbconvert's own
mistune pipeline (`MarkdownWithMath`) and looks for asterisks left in the visible text, ignoring
code spans, code blocks and LaTeX, where an asterisk is legitimate (`$p^*$`, `a * b`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from marketing_kit.course.nbgrader_api import REPO_ROOT

NOTEBOOKS = sorted((REPO_ROOT / "solutions").glob("*/*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
_SKIP_TAGS = {"code", "pre", "script", "style"}
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)


class _VisibleText(IPythonRenderer):
    """nbconvert's renderer with math and code replaced by a neutral placeholder."""

    def inline_math(self, body: str) -> str:
        return "\u2039math\u203a"

    def block_math(self, body: str) -> str:
        return "\u2039math\u203a"

    def latex_environment(self, name: str, body: str) -> str:
        return "\u2039math\u203a"

    def codespan(self, text: str) -> str:
        return "\u2039code\u203a"

    def block_code(self, code: str, info: str | None = None) -> str:
        return "\u2039code\u203a"


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(markdown: str) -> str:
    """The text a reader sees once `markdown` is rendered as nbconvert renders it."""
    html = MarkdownWithMath(renderer=_VisibleText(escape=False)).render(markdown)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    # raw-HTML blocks (e.g. <details>) pass through unparsed; MathJax still typesets their $...$
    return _MATH.sub("\u2039math\u203a", "".join(collector.parts))


def stray_markers(markdown: str, width: int = 25) -> list[str]:
    """Snippets around every `*` that survives rendering (an emphasis marker that did not close)."""
    text = visible_text(markdown)
    snippets = []
    for match in re.finditer(r"\*+", text):
        start, end = max(0, match.start() - width), match.end() + width
        snippets.append(" ".join(text[start:end].split()))
    return snippets


def notebook_problems(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    problems = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for snippet in stray_markers(cell.source):
            problems.append(f"{path.parent.name} cell {cell.get('id', '?')}: ...{snippet}...")
    return problems


@pytest.mark.parametrize(
    ("markdown", "bad"),
    [
        ("**병목(bottleneck)**은 전환율이다.", True),
        ("**병목**(bottleneck)은 전환율이다.", False),
        ('**"고객이 추천할까?".**다음', True),
        ('**"고객이 추천할까?"**.다음', False),
        ("*NPS.*는 지표", True),
        ("*NPS*.는 지표", False),
        ("**NPS**는 지표", False),
        ("가치 $p^*$와 `a * b`, 그리고 $$x^* = 1$$", False),
        ("```python\ntotal = a * b\n```", False),
        ("<details><summary>Hint</summary>**힌트(hint)**는 $p^*$</details>", True),
        ("* **항목(item)**: 목록", False),
    ],
)
def test_stray_marker_check_tells_bad_from_good(markdown, bad):
    assert bool(stray_markers(markdown)) is bad, visible_text(markdown)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_every_emphasis_marker_closes(path):
    problems = notebook_problems(path)
    assert problems == [], (
        f"{len(problems)} stray emphasis marker(s); put punctuation outside the closing marker "
        "(**병목**(bottleneck)은, not **병목(bottleneck)**은):\n" + "\n".join(problems))


# A literal dollar sign: JupyterLab (4.6) typesets the text between two `\$` of one paragraph as
# LaTeX ("put the cost at \$0.10 (an e-mail) ... then at \$6" came out as italic run-together
# letters); `\\$` shows a plain "$" there (checked in headless Chromium). A `$` of LaTeX is fine.
_SINGLE_ESCAPED_DOLLAR = re.compile(r"(?<!\\)\\\$")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_money_is_not_typeset_as_math_in_jupyterlab(path: Path):
    notebook = nbformat.read(path, as_version=4)
    bad = [
        f"cell {index}: {line.strip()[:90]}"
        for index, cell in enumerate(notebook.cells) if cell.cell_type == "markdown"
        for line in cell.source.splitlines() if _SINGLE_ESCAPED_DOLLAR.search(line)
    ]
    assert not bad, "write a literal dollar as \\\\$ in markdown:\n" + "\n".join(bad)
