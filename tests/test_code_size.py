"""Every function in src/ reads on one screen and every module keeps to one job.

A function may hold at most 60 code lines: lines with code on them, so blank lines,
comment-only lines and docstrings do not count. A module may hold at most 400 lines as
formatted. A failure lists every offender, with its size.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
MAX_FUNCTION_CODE_LINES = 60
MAX_MODULE_LINES = 400

_NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def code_lines(source: str) -> set[int]:
    """Line numbers holding code: not blank, not comment-only, not part of a docstring."""
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, _DOCUMENTED) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings |= set(range(first.lineno, first.end_lineno + 1))
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_CODE:
            lines |= set(range(token.start[0], token.end[0] + 1))
    return lines - docstrings


def function_sizes(source: str) -> list[tuple[str, int, int]]:
    """(name, first line, code lines) for every function, nested ones included; an outer
    function's count includes the functions inside it."""
    lines = code_lines(source)
    return [
        (node.name, node.lineno, sum(1 for n in lines if node.lineno <= n <= node.end_lineno))
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _label(path: Path) -> str:
    return str(path.relative_to(SRC.parent))


def test_code_lines_leave_out_blanks_comments_and_docstrings():
    source = '''def f(x):
    """A docstring
    over two lines."""

    # a comment
    y = (x +
         1)  # trailing comment
    return y
'''
    assert code_lines(source) == {1, 6, 7, 8}
    assert function_sizes(source) == [("f", 1, 4)]


def test_no_function_is_longer_than_a_screen():
    too_long = [
        f"{_label(path)}:{line} {name}: {size} code lines"
        for path in _modules()
        for name, line, size in function_sizes(path.read_text(encoding="utf-8"))
        if size > MAX_FUNCTION_CODE_LINES
    ]
    assert not too_long, f"functions over {MAX_FUNCTION_CODE_LINES} code lines:\n" + "\n".join(too_long)


def test_no_module_is_longer_than_one_job_needs():
    too_long = [
        f"{_label(path)}: {size} lines"
        for path in _modules()
        if (size := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(too_long)
