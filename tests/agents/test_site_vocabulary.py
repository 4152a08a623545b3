"""No module under `agentq/` knows the restaurant site's pages: none acts on a word only TableTop
uses (its page titles and headings, its field labels and buttons, its paths, its confirmation
codes, the phrases of its instructions). The hand-written components that need them live in
`mock_sites/restaurant/heuristics/`.

The scan reads every string literal the code holds (f-string parts included) and every name.
Docstrings and comments are left out: they may quote a site's page as an example of the generic
text format (a featuriser's docstring does), which gives the code no knowledge of the site.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VOCABULARY = re.compile(
    "|".join([
        r"table ?top", r"find a table", r"party size", r"party of", r"table for", r"the one in",
        r"seating preference", r"special request", r"patio", r"date night", r"business meal",
        r"continue as guest", r"continue to review", r"complete reservation", r"reservation confirmed",
        r"my reservations", r"edit details", r"change time", r"\(sold out\)", r"no tables within",
        r"/book/", r"/reservations/", r"/restaurant/",
    ]),
    re.IGNORECASE,
)
CONFIRMATION_CODE = re.compile(r"\bTT-(?:[A-Z0-9]|$)")  # TableTop's booking references (TT-UBVS6B)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (the first statement of a module, class or function, a string)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def site_words(path: Path) -> list[str]:
    """``line: word`` for each site word in a file's string literals and names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            texts = [node.value]
        elif isinstance(node, ast.Name):
            texts = [node.id]
        elif isinstance(node, ast.Attribute):
            texts = [node.attr]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            texts = [node.name]
        elif isinstance(node, ast.arg):
            texts = [node.arg]
        else:
            continue
        for text in texts:
            for match in [*VOCABULARY.finditer(text.replace("_", " ")), *CONFIRMATION_CODE.finditer(text)]:
                found.append(f"{getattr(node, 'lineno', '?')}: {match.group(0)!r} in {text[:60]!r}")
    return found


def test_no_module_of_agentq_uses_a_word_of_the_restaurant_site():
    offenders = {str(p.relative_to(REPO)): words for p in sorted((REPO / "agentq").rglob("*.py")) if (words := site_words(p))}
    assert offenders == {}


def test_the_scan_finds_the_words_where_the_restaurant_knowledge_lives():
    heuristics = REPO / "mock_sites" / "restaurant" / "heuristics"
    assert site_words(heuristics / "scoring.py") and site_words(heuristics / "page.py")
    assert site_words(heuristics / "request.py") and site_words(heuristics / "matching.py")
    assert site_words(REPO / "mock_sites" / "restaurant" / "adapter.py")  # its confirmation url
