"""Grading many submissions: reading inputs, isolating each grading, and recording results.

`inputs/` reads folders, zip archives and git repositories into `Submission`s; `run` plans the
batch against the `gradebook` (a row is current while its `fingerprint` holds) and grades each
submission in a child process (`isolation`) on a `backends` pool; `outputs` writes the files.
"""
