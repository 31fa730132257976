"""Collecting a class: which commit of each repository is graded and when it was pushed
(`pushes`), who it belongs to and their due date (`roster`, `late`), whether files outside the
editable ones changed since the release (`tamper`), and the whole per-batch step (`prepare`).

Nothing here changes a score: the grader grades the student's `assignments/` only; collection
adds the due date, the late penalty and the flags beside the raw score (`grader.collection`).
"""
