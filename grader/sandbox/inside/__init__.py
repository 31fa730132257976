"""The sandbox side: the only grader code that runs in the worker, next to student code.

Bound read-only into the sandbox as a whole folder and loaded there by path (as the package
`_gradelab_inside`), so nothing here may import `grader` or anything but the standard library,
numpy and the modules of this folder (relatively); `tests/test_layers.py` checks it.
"""
