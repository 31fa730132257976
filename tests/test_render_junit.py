from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from render_fixtures import BACKWARD_MESSAGE, IMPORT_ERROR, check, sample_result

from grader.render.junit import to_junit_xml, write_junit
from grader.results import PartResult


def _parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def _suite(root: ET.Element, name: str) -> ET.Element:
    (suite,) = [s for s in root.iter("testsuite") if s.get("name") == name]
    return suite


def test_one_suite_per_submission_and_part():
    root = _parse(to_junit_xml([sample_result("alice"), sample_result("bob")]))

    assert [s.get("name") for s in root.iter("testsuite")] == [
        "alice.conv", "alice.pooling", "alice.rnn", "bob.conv", "bob.pooling", "bob.rnn",
    ]


def test_suite_counts_match_outcomes():
    root = _parse(to_junit_xml([sample_result()]))
    counts = {
        s.get("name"): tuple(int(s.get(k)) for k in ("tests", "failures", "errors", "skipped"))
        for s in root.iter("testsuite")
    }

    assert counts == {
        "alice.conv": (3, 2, 0, 0),
        "alice.pooling": (2, 0, 0, 1),
        "alice.rnn": (2, 0, 2, 0),
    }
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "7", "2", "2", "1",
    )


def test_testcases_name_function_and_kind_with_suite_classname_and_seconds():
    conv = _suite(_parse(to_junit_xml([sample_result()])), "alice.conv")
    cases = conv.findall("testcase")

    assert [c.get("name") for c in cases] == [
        "conv2d_forward forward", "conv2d_backward backward", "conv2d_forward gradcheck (hidden)",
    ]
    assert {c.get("classname") for c in cases} == {"alice.conv"}
    assert float(cases[1].get("time")) == pytest.approx(0.25, abs=1e-9)
    assert float(conv.get("time")) == pytest.approx(0.27, abs=1e-9)


def test_failure_carries_headline_as_message_and_full_text():
    conv = _suite(_parse(to_junit_xml([sample_result()])), "alice.conv")
    failure = conv.findall("testcase")[1].find("failure")

    assert failure is not None
    assert failure.get("message") == BACKWARD_MESSAGE.splitlines()[0]
    assert failure.text == BACKWARD_MESSAGE


def test_errors_skips_and_passes_get_their_own_elements():
    root = _parse(to_junit_xml([sample_result()]))
    rnn_cases = _suite(root, "alice.rnn").findall("testcase")
    pooling_cases = _suite(root, "alice.pooling").findall("testcase")

    assert all(c.find("error") is not None for c in rnn_cases)
    assert IMPORT_ERROR in rnn_cases[0].find("error").text
    assert [c.tag for c in pooling_cases[0]] == ["properties"]  # passed: points only, no outcome element
    assert pooling_cases[1].find("skipped") is not None


def test_import_error_is_the_suites_system_err():
    rnn = _suite(_parse(to_junit_xml([sample_result()])), "alice.rnn")

    assert rnn.find("system-err").text == IMPORT_ERROR


def test_markup_is_escaped_and_illegal_xml_characters_are_stripped():
    nasty = 'got <tensor> & "quotes"\x00\x1b[31m\x08 done\ufffe'
    part = PartResult(
        part="conv",
        checks=(check(outcome="failed", score=0.0, message=nasty),),
        error="bad\x0cimport",
    )
    result = replace(sample_result(), parts=(part,))

    root = _parse(to_junit_xml([result]))  # raises if anything illegal got through
    failure = root.find("testsuite/testcase/failure")

    # The result model already made the text inert (escape sequence gone, U+FFFE replaced).
    assert failure.text == 'got <tensor> & "quotes" done\ufffd'
    assert failure.get("message") == failure.text
    assert root.find("testsuite/system-err").text == "badimport"


def test_empty_batch_is_an_empty_testsuites_element():
    root = _parse(to_junit_xml([]))

    assert root.tag == "testsuites"
    assert root.get("tests") == "0"
    assert list(root) == []


def test_write_junit_writes_the_same_xml_and_no_temp_file(tmp_path: Path):
    path = tmp_path / "junit.xml"

    write_junit([sample_result()], path)

    assert path.read_text(encoding="utf-8") == to_junit_xml([sample_result()])
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]


def test_points_are_properties_of_suites_and_cases_and_the_note_is_said_twice():
    note = "Advisory: the grade -- comes from elsewhere."
    root = _parse(to_junit_xml([sample_result()], note))
    conv = _suite(root, "alice.conv")

    assert {p.get("name"): p.get("value") for p in conv.find("properties")} == {"score": "7.5", "max_score": "22.5", "note": note}
    backward = conv.findall("testcase")[1]
    assert {p.get("name"): p.get("value") for p in backward.find("properties")} == {"points": "0", "max_points": "5"}
    assert note.replace("--", "- -") in to_junit_xml([sample_result()], note).split("<testsuite ")[0]
    assert root.get("tests") == "7"  # the comment counts as no suite
