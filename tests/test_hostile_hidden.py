"""Hidden inputs never reach anything a student can see, whatever the submission does.

Each submission here wraps the vectorized solution: every call records a digest of its inputs,
prints it, and (in the raising variant) raises an exception whose text lists everything seen so
far. Graded under two hidden seeds, everything shown must be identical apart from scores: if a
hidden input reached a printed line, an exception text shown by a public check, or a hidden
check's own message, the two renderings would differ.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, VECTORIZED, grade
from rich.console import Console

from grader import hidden
from grader.options import GradeOptions
from grader.parts import select
from grader.render.feedback_md import to_feedback_markdown
from grader.render.gradescope import to_gradescope
from grader.render.junit import to_junit_xml
from grader.render.summary import to_markdown_summary
from grader.render.terminal import render_submission
from grader.results import SubmissionResult

MODULES = ("shapes", "conv", "pooling", "rnn", "residual")

DIGEST = '''
import hashlib
import numpy as np


def _digest(args):
    out = []
    for a in args:
        if isinstance(a, np.ndarray):
            out.append(f"{a.shape}:{hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:10]}")
        elif isinstance(a, (int, float, tuple)):
            out.append(repr(a))
    return ",".join(out)
'''

# Correct code that records every input; it raises (listing the latest inputs first) when it
# meets a worked example's input: public checks that used to run after the hidden ones.
RECORDER = DIGEST + '''
from . import _{module}_ok as _ok

SEEN = []
TRIGGERS = {triggers!r}


def _wrap(name, fn):
    def wrapped(*args, **kwargs):
        key = _digest(args)
        SEEN.append(name + "(" + key + ")")
        if not {raises}:
            print("LEAK", SEEN[-1])
        elif key in TRIGGERS:
            raise ValueError("LEAK seen so far, latest first: " + " ".join(reversed(SEEN[-40:])))
        return fn(*args, **kwargs)
    return wrapped


for _name in dir(_ok):
    if not _name.startswith("_") and callable(getattr(_ok, _name)) and getattr(getattr(_ok, _name), "__module__", "") == _ok.__name__:
        globals()[_name] = _wrap(_name, getattr(_ok, _name))
'''


def example_digests() -> set[str]:
    space: dict = {}
    exec(DIGEST, space)
    return {space["_digest"](ex.case.args()) for part in select(list(MODULES)) for ex in part.examples}


def recorder(tmp_path: Path, raises: bool) -> Path:
    """The vectorized solution, every module wrapped by the recorder."""
    root = tmp_path / ("raises" if raises else "prints")
    shutil.copytree(VECTORIZED, root)
    pkg = root / "assignments"
    for module in MODULES:
        (pkg / f"{module}.py").rename(pkg / f"_{module}_ok.py")
        source = RECORDER.replace("{module}", module).replace("{raises}", str(raises))
        (pkg / f"{module}.py").write_text(source.replace("{triggers!r}", repr(example_digests())))
    return root


def options(seed: int) -> GradeOptions:
    return GradeOptions(visibility=("public", "hidden"), hidden_seed=seed, timing=False, examples_scale=0.3, part_jobs=2)


def shown(result: SubmissionResult) -> str:
    """Every rendering of a result a student can see, scores and times taken out."""
    blind = replace(
        result,
        seconds=0.0,
        parts=tuple(replace(p, checks=tuple(replace(c, score=0.0, seconds=0.0) for c in p.checks)) for p in result.parts),
    )
    console = Console(record=True, width=100, force_terminal=False)
    render_submission(blind, console)
    gradescope = to_gradescope(blind)
    texts = [
        console.export_text(),
        to_feedback_markdown(blind),
        json.dumps(gradescope, sort_keys=True),
        to_junit_xml([blind]),
        to_markdown_summary(blind),
        blind.stdout,
    ]
    return re.sub(r"\b\d+(\.\d+)? ?(s|ms)\b", "<t>", "\n".join(texts))


@pytest.mark.parametrize("raises", [False, True], ids=["prints", "raises"])
def test_two_hidden_seeds_show_the_same_feedback_in_every_part(tmp_path: Path, raises: bool):
    root = recorder(tmp_path, raises)

    first = grade(root, list(MODULES), options(11))
    second = grade(root, list(MODULES), options(2_000_003))

    assert {p.part for p in first.parts} == set(MODULES)
    assert shown(first) == shown(second)
    if not raises:  # the recording itself breaks nothing: full marks under both seeds
        assert first.score == pytest.approx(first.max_score, abs=1e-9)
        assert second.score == pytest.approx(second.max_score, abs=1e-9)
        assert "LEAK" in first.stdout  # the public worker's prints are shown: the test has teeth
    else:
        assert any("LEAK seen so far" in c.message for c in first.checks)


@pytest.mark.parametrize("raises", [False, True], ids=["prints", "raises"])
def test_hidden_checks_say_only_their_fixed_sentence(tmp_path: Path, raises: bool):
    result = grade(recorder(tmp_path, raises), list(MODULES), options(7))

    secret = [c for c in result.checks if c.visibility == "hidden"]
    assert secret and all(c.message in hidden.MESSAGES.values() for c in secret)
    assert all(c.counterexample is None for c in secret)
    assert {c.outcome for c in secret} == {"passed"}  # the examples' inputs are never hidden cases
    if raises:
        examples = [c for c in result.checks if c.kind == "example"]
        assert examples and all("LEAK seen so far" in c.message for c in examples if c.outcome != "passed")


def test_a_part_that_does_not_import_gives_its_hidden_checks_no_student_text(tmp_path: Path):
    root = tmp_path / "broken"
    shutil.copytree(VECTORIZED, root)
    (root / "assignments" / "pooling.py").write_text("raise ValueError('LEAK at import')\n")

    result = grade(root, ["pooling"], options(3))

    part = result.part("pooling")
    assert part.score == pytest.approx(0.0, abs=1e-9) and "LEAK at import" in (part.error or "")
    assert all(c.message == hidden.NOT_GRADED for c in part.checks if c.visibility == "hidden")


SEED_THIEF = '''
import os
from . import _shapes_ok as _ok


_FOUND = []


def _steal():
    if _FOUND:
        return _FOUND[0]
    found = []
    try:
        pids = os.listdir("/proc")
    except OSError:
        pids = [str(p) for p in range(1, 1 << 13)]  # cannot list: guess
    for pid in pids:
        for what in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            for item in data.split(b"\\0"):
                if b"424242" in item or b"HIDDEN_SEED" in item:
                    found.append(item.decode("utf-8", "replace"))
    try:
        with open({config!r}) as f:  # where the instructor keeps it, as a student might guess
            found.append(f.read())
    except OSError:
        pass
    _FOUND.append(found)
    return found


def conv2d_output_size(*args):
    found = _steal()
    if found:
        raise ValueError("STOLEN " + " | ".join(sorted(set(found))))
    return _ok.conv2d_output_size(*args)


def __getattr__(name):
    return getattr(_ok, name)
'''


@pytest.mark.parametrize("sandbox", ["process", "auto"])
def test_the_hidden_seed_cannot_be_read_from_another_process_or_the_config(tmp_path: Path, sandbox: str):
    root = tmp_path / "thief"
    shutil.copytree(VECTORIZED, root)
    pkg = root / "assignments"
    (pkg / "shapes.py").rename(pkg / "_shapes_ok.py")
    config = tmp_path / "instructor.toml"
    config.write_text("hidden_seed = 424242\n")
    (pkg / "shapes.py").write_text(SEED_THIEF.replace("{config!r}", repr(str(config))))
    out = tmp_path / "out"
    env = {"PATH": "/usr/bin:/bin", "GRADELAB_HIDDEN_SEED": "424242", "GRADELAB_CONFIG": str(config),
           "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}

    run = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "grade", str(root), "--out", str(out), "--parts", "shapes",
         "--sandbox", sandbox, "--no-timing", "--examples-scale", "0.3"],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    feedback = (out / root.name / "feedback.md").read_text()
    results = (out / root.name / "results.json").read_text()
    assert "STOLEN" not in feedback and "424242" not in feedback and "424242" not in results
    assert "Total: 10 / 10" in feedback


ESCAPES = '''
from . import _pooling_ok as _ok

NASTY = "\\x1b[2K\\x1b[1A\\x1b[31mFORGED BANNER\\x07\\u202egnp.exe\\udc80\\x00"


def max_pool2d_forward(*args):
    print(NASTY)
    raise ValueError(NASTY)


def __getattr__(name):
    return getattr(_ok, name)
'''
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def test_escapes_and_bidi_controls_in_student_text_reach_no_output(tmp_path: Path):
    root = tmp_path / "escapes"
    shutil.copytree(VECTORIZED, root)
    pkg = root / "assignments"
    (pkg / "pooling.py").rename(pkg / "_pooling_ok.py")
    (pkg / "pooling.py").write_text(ESCAPES)
    out = tmp_path / "out"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO), "GRADELAB_HIDDEN_SEED": "5"}
    cli = [sys.executable, str(REPO / "cli.py")]

    graded = subprocess.run([*cli, "grade", str(root), "--out", str(out), "--parts", "pooling", "--no-timing",
                             "--examples-scale", "0.3"], capture_output=True, text=True, timeout=300, env=env)
    show = subprocess.run([*cli, "gradebook", "show", "--gradebook", str(out), "escapes"],
                          capture_output=True, timeout=60, env=env)

    assert graded.returncode == 0 and show.returncode == 0, graded.stderr[-2000:]
    written = {p.name: p.read_text() for p in out.rglob("*") if p.suffix in (".md", ".json", ".xml", ".csv")}
    assert {"feedback.md", "results.json", "junit.xml", "grades.csv"} <= set(written)
    assert "FORGED BANNER" in written["feedback.md"]  # the text is shown, made inert
    for name, text in {**written, "terminal": graded.stdout, "gradebook show": show.stdout.decode()}.items():
        assert not UNSAFE.search(text), f"{name} holds {UNSAFE.search(text)!r}"
    assert b"\x1b[" not in show.stdout
