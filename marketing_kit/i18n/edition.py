"""Generate an assignment's Korean twin from its English source and a translation catalogue.

One source of truth: ``solutions/NN-topic-ko/NN-topic-ko.ipynb`` is never edited by hand. It is
built from ``solutions/NN-topic/NN-topic.ipynb`` and ``i18n/ko/NN-topic.yml``::

    cells:                 # markdown (and raw) cells, by cell id
      31c2c4e1:
        en: |              # the English text the translation was made from
          ## 1 · Concept ...
        ko: |
          ## 1 · 개념 ...
    strings:               # string literals and comments of code cells: English token -> Korean
      '"a number, e.g. 17.5"': '"숫자 (예: 17.5)"'

Code cells keep their code; only string-literal and comment tokens listed under ``strings`` are
replaced, so the two editions cannot drift apart in logic, grade_ids or points
(``tests/test_i18n.py`` checks it). A markdown cell whose English text changed since it was
translated stops the build (:class:`StaleTranslation`) until the catalogue is updated.
``python -m marketing_kit.i18n skeleton NN-topic`` writes or refreshes the catalogue for the
translator; ``python -m marketing_kit.i18n build`` (``make korean``) regenerates every twin.
"""

from __future__ import annotations

import copy
import io
import re
import tokenize
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[2]
SUFFIX = {"ko": "-ko"}


class StaleTranslation(ValueError):
    """The catalogue does not match the English notebook (changed or untranslated cells)."""


def twin_name(assignment: str, code: str = "ko") -> str:
    """``08-social-roi`` -> ``08-social-roi-ko``."""
    if code not in SUFFIX:
        raise ValueError(f"code must be one of {sorted(SUFFIX)}; got {code!r}")
    return assignment + SUFFIX[code]


def english_name(assignment: str) -> str | None:
    """The English assignment a twin comes from, or None for an English assignment."""
    for suffix in SUFFIX.values():
        if assignment.endswith(suffix):
            return assignment[: -len(suffix)]
    return None


def catalogue_path(assignment: str, code: str = "ko", root: Path = REPO_ROOT) -> Path:
    return root / "i18n" / code / f"{assignment}.yml"


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    # IPython magics and shell escapes are not Python: blank them (same length) for the tokenizer.
    lines = [re.sub(r"^(\s*)([%!].*)$", lambda m: m.group(1) + " " * len(m.group(2)), line)
             for line in source.splitlines(keepends=True)]
    text = "".join(lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise ValueError(f"cannot tokenize a code cell ({error}):\n{source[:200]}") from error
    return _whole_fstrings(tokens, text)


def _whole_fstrings(tokens: list[tokenize.TokenInfo], text: str) -> list[tokenize.TokenInfo]:
    """From Python 3.12 an f-string is several tokens: join each back into one STRING token,
    as Python 3.11 gives it, so catalogues and masks work the same on every version."""
    start_type = getattr(tokenize, "FSTRING_START", None)
    if start_type is None:
        return tokens
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    merged, depth, first = [], 0, None
    for tok in tokens:
        if tok.type == start_type:
            depth += 1
            first = tok if depth == 1 else first
            continue
        if depth and tok.type == tokenize.FSTRING_END:
            depth -= 1
            if depth == 0:
                begin = offsets[first.start[0] - 1] + first.start[1]
                end = offsets[tok.end[0] - 1] + tok.end[1]
                merged.append(tokenize.TokenInfo(tokenize.STRING, text[begin:end], first.start,
                                                 tok.end, first.line))
            continue
        if not depth:
            merged.append(tok)
    return merged


def literal_tokens(source: str) -> list[str]:
    """The string-literal and comment tokens of a code cell, in order."""
    kinds = (tokenize.STRING, tokenize.COMMENT)
    return [tok.string for tok in _tokens(source) if tok.type in kinds]


def _replace_tokens(source: str, replace) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    pieces, cursor = [], 0
    for tok in _tokens(source):
        if tok.type not in (tokenize.STRING, tokenize.COMMENT):
            continue
        new = replace(tok)
        if new is None:
            continue
        start = offsets[tok.start[0] - 1] + tok.start[1]
        end = offsets[tok.end[0] - 1] + tok.end[1]
        pieces.append(source[cursor:start] + new)
        cursor = end
    return "".join(pieces) + source[cursor:]


def translate_code(source: str, strings: dict[str, str]) -> str:
    """``source`` with every string/comment token found in ``strings`` replaced."""
    return _replace_tokens(source, lambda tok: strings.get(tok.string) or None)


def masked_code(source: str) -> str:
    """``source`` with string literals and comments masked: what two editions must share."""
    return _replace_tokens(
        source, lambda tok: '"…"' if tok.type == tokenize.STRING else "#")


def _read_catalogue(path: Path) -> dict:
    import yaml

    if not path.is_file():
        raise StaleTranslation(f"no translation catalogue at {path}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {"cells": data.get("cells") or {}, "strings": data.get("strings") or {}}


def english_notebook(assignment: str, root: Path = REPO_ROOT) -> nbformat.NotebookNode:
    return nbformat.read(root / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def build(assignment: str, code: str = "ko", root: Path = REPO_ROOT) -> nbformat.NotebookNode:
    """The Korean twin of the English ``assignment``, built in memory."""
    english = english_notebook(assignment, root)
    catalogue = _read_catalogue(catalogue_path(assignment, code, root))
    twin = copy.deepcopy(english)
    problems = []
    for cell in twin.cells:
        if cell.cell_type == "code":
            cell.source = translate_code(cell.source, catalogue["strings"])
            continue
        entry = catalogue["cells"].get(cell.get("id"))
        if not entry or not entry.get(code):
            problems.append(f"cell {cell.get('id')}: not translated")
        elif entry.get("en", "").rstrip() != cell.source.rstrip():
            problems.append(f"cell {cell.get('id')}: the English text changed since translation")
        else:
            cell.source = entry[code].rstrip("\n")
    if problems:
        where = catalogue_path(assignment, code, root)
        raise StaleTranslation(
            f"{assignment}: the {code} catalogue {where} needs work (run `python -m "
            f"marketing_kit.i18n skeleton {assignment}`):\n  " + "\n  ".join(problems))
    twin.metadata["marketing_kit"] = {"edition": code, "english": assignment}
    return twin


def write(assignment: str, code: str = "ko", root: Path = REPO_ROOT) -> Path:
    """Build the twin and write it to ``solutions/<twin>/<twin>.ipynb``."""
    name = twin_name(assignment, code)
    path = root / "solutions" / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(assignment, code, root), path)
    return path


class _LiteralDumper:
    @staticmethod
    def dump(data: dict) -> str:
        import yaml

        class Dumper(yaml.SafeDumper):
            pass

        def text(dumper, value):
            style = "|" if "\n" in value else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

        Dumper.add_representer(str, text)
        return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)


def skeleton(assignment: str, code: str = "ko", root: Path = REPO_ROOT) -> Path:
    """Write or refresh the catalogue: keep translations whose English is unchanged."""
    path = catalogue_path(assignment, code, root)
    old = _read_catalogue(path) if path.is_file() else {"cells": {}, "strings": {}}
    cells, strings = {}, {}
    for cell in english_notebook(assignment, root).cells:
        if cell.cell_type == "code":
            for token in literal_tokens(cell.source):
                strings[token] = old["strings"].get(token, "")
            continue
        previous = old["cells"].get(cell.get("id"), {})
        unchanged = previous.get("en", "").rstrip() == cell.source.rstrip()
        kept = previous.get(code, "") if unchanged else ""
        cells[cell.get("id")] = {"en": cell.source + "\n", code: kept}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_LiteralDumper.dump({"cells": cells, "strings": strings}), encoding="utf-8")
    return path


def translated_assignments(code: str = "ko", root: Path = REPO_ROOT) -> list[str]:
    """English assignments that have a catalogue for ``code``."""
    folder = root / "i18n" / code
    return sorted(p.stem for p in folder.glob("*.yml")) if folder.is_dir() else []
