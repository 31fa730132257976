"""grader/text.py: one rule per output format; the sandbox side's copy of a rule stays the same."""
from __future__ import annotations

import subprocess
import sys

from grader import text
from grader.paths import REPO
from grader.sandbox.inside import wire

NASTY = ["ValueError", "x\x1b[31mred", "a/b\\c;rm -rf", "Ünïcode", "<class 'x'>", "x" * 200, "\u202eevil", "", "tab\tnl\n"]


def test_wire_names_types_by_the_text_modules_rule():
    for s in NASTY:
        for limit in (60, 80):
            assert wire.safe_name(s, limit) == text.type_name(s, limit)


def test_the_input_reader_imports_without_numpy():
    # grader.batch.inputs.bounded runs as `python -S` (no site-packages) with a small address space.
    code = "import grader.batch.inputs.bounded, sys; assert 'numpy' not in sys.modules"
    done = subprocess.run([sys.executable, "-S", "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_markdown_xml_and_csv_rules():
    assert text.markdown_inline("a|b\nc") == "a\\|b<br>c"
    assert text.markdown_fenced("```x") == "````text\n```x\n````"
    assert text.xml_text("a\x00b\x1bc\ud800") == "abc"
    assert text.csv_cell("=1+1") == "'=1+1" and text.csv_cell("alice") == "alice"
    assert text.storable("a\x00b\ud800") == "ab\ufffd"
    assert text.file_name("../.hidden name") == "_.hidden_name"
