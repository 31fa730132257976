"""JUnit XML for CI: a <testsuite> per submission x part, a <testcase> per check.

Points travel as <properties> (the form pytest uses for recorded properties): `score` and
`max_score` on each suite, `points` and `max_points` on each case. A `note` (check's "advisory:
the grade comes from the instructor's run") is a property of every suite and of the root's
first comment, so any viewer of the file meets it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from grader.redact import redact
from grader.render import format_points, write_text_atomic
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.text import xml_text


def _seconds(x: float) -> str:
    return f"{x:.3f}"


def _properties(parent: ET.Element, values: dict[str, str]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=xml_text(value))


def _testcase(suite: ET.Element, classname: str, check: CheckResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=classname,
        name=xml_text(check.name),
        time=_seconds(check.seconds),
    )
    _properties(case, {"points": format_points(check.score), "max_points": format_points(check.max_score)})
    if check.outcome == "failed":
        failure = ET.SubElement(case, "failure", message=xml_text(check.headline))
        failure.text = xml_text(check.message)
    elif check.outcome == "error":
        error = ET.SubElement(case, "error", message=xml_text(check.headline))
        error.text = xml_text(check.message)
    elif check.outcome == "skipped":
        ET.SubElement(case, "skipped", message=xml_text(check.headline))


def _testsuite(root: ET.Element, submission: str, part: PartResult, note: str) -> None:
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
    _properties(suite, {"score": format_points(part.score), "max_score": format_points(part.max_score)} | ({"note": note} if note else {}))
    for check in part.checks:
        _testcase(suite, name, check)
    if part.error:
        # The import error belongs to the suite; each check also carries it in its message.
        ET.SubElement(suite, "system-err").text = xml_text(part.error)


def to_junit_xml(results: Sequence[SubmissionResult], note: str = "") -> str:
    """The whole report as an XML 1.0 string, declaration included."""
    root = ET.Element("testsuites", name="gradelab")
    if note:
        # "--" cannot appear inside an XML comment.
        root.append(ET.Comment(" " + xml_text(note).replace("--", "- -") + " "))
    for result in map(redact, results):
        for part in result.parts:
            _testsuite(root, result.submission, part, note)
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("time", _seconds(sum(r.seconds for r in results)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(results: Sequence[SubmissionResult], path: Path, note: str = "") -> None:
    write_text_atomic(path, to_junit_xml(results, note))
