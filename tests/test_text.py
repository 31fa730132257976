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


def test_ci_log_breaks_every_workflow_command_and_section_marker():
    forged = [
        "::error::x", "  ::add-mask::secret", "::::::", "text ##[error]x", ":\u200b:error::x", ":\u00ad:warning::x",
        "section_start:1700000000:name\r\x1b[0Kx", "section_end:1700000000:name",
    ]
    for line in forged:
        safe = text.ci_log(line)
        assert "::" not in safe and "##[" not in safe
        assert "section_start:" not in safe and "section_end:" not in safe and "\r" not in safe and "\x1b" not in safe
    assert text.ci_log("::error::forged") == ": :error: :forged"
    assert text.ci_log("std::vector\nok") == "std: :vector\nok"
    assert text.ci_log("plain: text, 3 < 4 #1 [x]") == "plain: text, 3 < 4 #1 [x]"


def test_workflow_command_escapes_keep_a_message_on_one_line():
    assert text.workflow_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert text.workflow_data("a%0Ab") == "a%250Ab"  # a literal escape stays literal
    assert text.workflow_property("conv: a, b\n%") == "conv%3A a%2C b%0A%25"
