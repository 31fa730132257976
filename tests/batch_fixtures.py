"""Tiny submissions for the batch tests, in each input form: correct, buggy, hanging; folder, zip, git.

Every batch test grades only the shapes part, without timing and at a fifth of the examples,
so one submission takes well under a second once the fork server is up.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
VECTORIZED = TESTS / "solutions" / "vectorized"

FAST = ["--parts", "shapes", "--no-timing", "--examples-scale", "0.2", "--hidden-seed", "7"]
SHAPES_MAX = 10.0  # points of the shapes part with timing off

HANGING_SHAPES = '''
def conv2d_output_size(size, kernel, stride=1, pad=0):
    while True:
        pass


def conv2d_cost(c_in, c_out, kh, kw, h_out, w_out):
    while True:
        pass
'''

# conv2d_cost forgets the C_o biases: its checks fail, conv2d_output_size's pass.
BUGGY_SHAPES = (VECTORIZED / "assignments" / "shapes.py").read_text().replace(
    "params = c_out * c_in * kh * kw + c_out", "params = c_out * c_in * kh * kw"
)


def good(dest: Path) -> Path:
    """Only the shapes module: the parts the batch tests grade."""
    (dest / "assignments").mkdir(parents=True)
    shutil.copyfile(VECTORIZED / "assignments" / "shapes.py", dest / "assignments" / "shapes.py")
    return dest


def buggy(dest: Path) -> Path:
    good(dest)
    (dest / "assignments" / "shapes.py").write_text(BUGGY_SHAPES)
    return dest


def hanging(dest: Path) -> Path:
    good(dest)
    (dest / "assignments" / "shapes.py").write_text(HANGING_SHAPES)
    return dest


def zipped(folder: Path, archive: Path, prefix: str = "") -> Path:
    """Zip `folder`'s files, each under `prefix` (a student zipping their whole folder)."""
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, prefix + path.relative_to(folder).as_posix())
    return archive


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "student", "GIT_AUTHOR_EMAIL": "s@example.com",
           "GIT_COMMITTER_NAME": "student", "GIT_COMMITTER_EMAIL": "s@example.com"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    out = subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip()


def commit_all(repo: Path, message: str, date: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def classroom_repo(dest: Path) -> tuple[Path, str, str]:
    """A repository with a buggy commit before the deadline and a fixed one after it.

    Returns (repo, the commit before 2026-12-01 23:59 +00:00, the commit after it).
    """
    buggy(dest)
    git(dest, "init", "-q")
    before = commit_all(dest, "first try", "2026-11-30T12:00:00+00:00")
    (dest / "assignments" / "shapes.py").write_text((VECTORIZED / "assignments" / "shapes.py").read_text())
    after = commit_all(dest, "late fix", "2026-12-02T09:00:00+00:00")
    return dest, before, after
