"""JUnit XML for CI: a <testsuite> per submission x part, a <testcase> per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from grader.redact import redact
from grader.render import write_text_atomic
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.text import xml_text


def _seconds(x: float) -> str:
    return f"{x:.3f}"


def _testcase(suite: ET.Element, classname: str, check: CheckResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=classname,
        name=xml_text(check.name),
        time=_seconds(check.seconds),
    )
    if check.outcome == "failed":
        failure = ET.SubElement(case, "failure", message=xml_text(check.headline))
        failure.text = xml_text(check.message)
    elif check.outcome == "error":
        error = ET.SubElement(case, "error", message=xml_text(check.headline))
        error.text = xml_text(check.message)
    elif check.outcome == "skipped":
        ET.SubElement(case, "skipped", message=xml_text(check.headline))


def _testsuite(root: ET.Element, submission: str, part: PartResult) -> None:
    name = xml_text(f"{submission}.{part.part}")
    outcomes = [c.outcome for c in part.checks]
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(outcomes)),
        failures=str(outcomes.count("failed")),
        errors=str(outcomes.count("error")),
        skipped=str(outcomes.count("skipped")),
        time=_seconds(sum(c.seconds for c in part.checks)),
    )
    for check in part.checks:
        _testcase(suite, name, check)
    if part.error:
        # The import error belongs to the suite; each check also carries it in its message.
        ET.SubElement(suite, "system-err").text = xml_text(part.error)


def to_junit_xml(results: Sequence[SubmissionResult]) -> str:
    """The whole report as an XML 1.0 string, declaration included."""
    root = ET.Element("testsuites", name="gradelab")
    for result in map(redact, results):
        for part in result.parts:
            _testsuite(root, result.submission, part)
    suites = list(root)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("time", _seconds(sum(r.seconds for r in results)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: Sequence[SubmissionResult], path: Path) -> None:
    write_text_atomic(path, to_junit_xml(results))
