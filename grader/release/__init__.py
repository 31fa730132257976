"""`cli.py release`: a standalone student repository for one assignment, which verifies itself.

`tree` chooses the grader files `check` needs for the assignment's parts, `student_files` writes
the repository's own files (README, pyproject.toml, ...), `guard` refuses any released function
body that is an instructor solution's, `verify` runs the released `check` on the stubs and on a
solution, and `build` does all of it in order and records the release on the instructor's side.
"""
