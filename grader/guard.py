"""Runs inside the worker before student code: refuse imports students may not use.

An import hook, because `__import__("to" + "rch")` passes any static check. Loaded by path, so
it must stand alone (standard library only).
"""
from __future__ import annotations

import sys

FORBIDDEN = ("torch", "scipy", "tensorflow", "jax", "jaxlib", "reference", "grader", "sklearn", "cupy")


class ForbiddenImport(ImportError):
    pass


class _Blocker:
    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in FORBIDDEN:
            raise ForbiddenImport(f"importing {top!r} is not allowed in a submission (use numpy and the standard library)")
        return None


def install() -> None:
    for name in list(sys.modules):
        if name.partition(".")[0] in FORBIDDEN:
            del sys.modules[name]
    sys.meta_path.insert(0, _Blocker())
