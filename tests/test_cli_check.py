"""`cli.py check`, as a student runs it: a table per part, the total, and an honest exit code."""
from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import REPO, VECTORIZED, variant


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cli.py", "check", *args], cwd=REPO, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "100", "HOME": "/tmp"},
    )


def test_check_on_the_shipped_stubs_exits_nonzero_with_zero_points():
    run = _check("--brief")
    assert run.returncode == 1, run.stderr
    assert "Total: 0 / 197.5" in run.stdout  # public points only (238 with the hidden checks)
    assert "the hidden checks add 40.5 more points, out of 238, and run in `grade`" in " ".join(run.stdout.split())
    for part in ("shapes", "conv1d", "conv", "pooling", "rnn", "lstm", "seq2seq", "residual", "lenet", "transformer"):
        assert part in run.stdout
    assert "not implemented yet" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_check_of_a_correct_solution_exits_zero():
    run = _check("shapes", "pooling", "--path", str(VECTORIZED), "--no-timing")
    assert run.returncode == 0, run.stdout[-2000:]
    assert "Total: 22.5 / 22.5" in run.stdout


def test_check_writes_a_ci_summary_and_junit_report(tmp_path):
    summary, junit = tmp_path / "summary.md", tmp_path / "junit.xml"
    run = _check("shapes", "--path", str(VECTORIZED), "--summary", str(summary), "--junit", str(junit))
    assert run.returncode == 0, run.stdout[-2000:]
    assert "### shapes: 8 / 8" in summary.read_text() and "AlexNet conv1 cost" in summary.read_text()
    assert 'failures="0"' in junit.read_text() and "conv2d_cost" in junit.read_text()


def test_check_shows_the_students_prints_under_the_failing_check(tmp_path):
    root = variant(tmp_path, "conv", (VECTORIZED / "assignments" / "conv.py").read_text().replace(
        "    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)), (x.shape",
        "    print('DEBUG conv out', out.shape)\n"
        "    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)) + 1.0, (x.shape",
    ))
    run = _check("conv", "--path", str(root), "--no-timing")
    assert run.returncode == 1
    assert "Your code printed (during this check):" in run.stdout
    panel = run.stdout.split("conv: conv2d_forward forward")[1]
    assert "DEBUG conv out (" in panel.split("Total:")[0]


def test_parts_are_named_with_spaces_or_commas_in_check_and_grade():
    from click.testing import CliRunner

    from grader.commands import main
    from grader.commands.options import part_names

    assert part_names(("conv", "rnn")) == part_names(("conv,rnn",)) == part_names(("conv rnn",)) == ("conv", "rnn")
    assert part_names(("conv, rnn", "pooling", "conv")) == ("conv", "rnn", "pooling")
    refused = CliRunner().invoke(main, ["grade", str(VECTORIZED), "--out", "/nonexistent/out", "--parts", "shapes,nope"])
    assert refused.exit_code != 0 and "unknown part(s) nope" in refused.output


def test_check_takes_grades_parts_and_sandbox_options():
    run = _check("--parts", "shapes", "--sandbox", "process", "--path", str(VECTORIZED), "--no-timing")
    assert run.returncode == 0, run.stdout[-2000:]
    assert "Total: 8 / 8" in run.stdout and "Sandbox: process" in run.stdout


def test_check_repro_writes_a_numpy_only_script_that_prints_checks_max_error(tmp_path):
    root = variant(tmp_path, "conv", (VECTORIZED / "assignments" / "conv.py").read_text().replace(
        "    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)), (x.shape",
        "    print('DEBUG forward called with', x.shape)\n"
        "    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)) + 0.5, (x.shape",
    ))
    repro = tmp_path / "repro"
    run = _check("conv", "--path", str(root), "--no-timing", "--repro", str(repro))
    assert run.returncode == 1
    script = repro / "repro_conv2d_forward.py"
    assert script.is_file() and (repro / "repro_conv2d_forward.npz").is_file()
    flat = " ".join(run.stdout.replace("│", " ").split())
    # The table wraps a long line anywhere (a longer temp path, under pytest-xdist, wrapped this
    # one inside the phrase): compared without spaces and the table's cell borders.
    bare = "".join(run.stdout.replace("│", " ").split())
    assert "reproduceit:python" in bare and "repro_conv2d_forward.py" in bare
    assert "Your code printed (during this check):" in flat and "DEBUG forward called with (1, 1," in flat
    # A fresh process in which importing torch fails: the script needs numpy only.
    blocked = "import sys, runpy; sys.modules['torch'] = None; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
    rerun = subprocess.run([sys.executable, "-c", blocked, str(script), str(root)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 1, rerun.stderr  # a mismatch: the script fails, as check does
    assert rerun.stdout.startswith("DEBUG forward called with")  # the student's own print, as in a debugger
    first = next(line for line in rerun.stdout.splitlines() if line.startswith("conv2d_forward:"))
    assert first.startswith("conv2d_forward: out: ") and "max abs error 0.5 at" in first, first
    max_error = first.split("max abs error ")[1].split(" at ")[0]
    assert f"max abs error {max_error}" in flat
    # The loop's last steps: fix, rerun the script (it matches now), and check passes.
    shutil.copy(VECTORIZED / "assignments" / "conv.py", root / "assignments" / "conv.py")
    fixed = subprocess.run([sys.executable, "-c", blocked, str(script), str(root)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert fixed.returncode == 0 and fixed.stdout.splitlines()[-1] == "conv2d_forward: out: matches", fixed.stdout + fixed.stderr


def test_a_checks_printed_output_keeps_its_last_bytes_where_it_is_long(tmp_path):
    from grader.options import GradeOptions
    from conftest import grade

    root = variant(tmp_path, "conv", (VECTORIZED / "assignments" / "conv.py").read_text().replace(
        "    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)), (x.shape",
        "    print('call with shape', x.shape, 'x' * 50)\n"
        "    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)) + 1.0, (x.shape",
    ))
    result = grade(root, ["conv"], GradeOptions(timing=False, check_output_bytes=200))
    forward = next(c for c in result.checks if c.name == "conv2d_forward forward")
    assert forward.outcome == "failed"
    assert forward.output.startswith("[") and "bytes of earlier output left out]" in forward.output
    assert forward.output.rstrip().endswith("x" * 50)  # the last call's line, whole
    assert len(forward.output.encode()) <= 200 + 60
