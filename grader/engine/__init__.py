"""The engine: grading one submission, part by part, check by check.

`grade.grade_submission` stages a submission, starts its sandboxed workers and runs every check
`plan.plan_part` derives from a part's spec; `checks/` holds the checks, `calls` the one wrapper
through which they call student code, `search` the hypothesis search for a smallest failing
case, `diagnose` the likely-mistake hints. Every comparison and score is decided here, in the
parent process.
"""
