"""What the batch's fork server does once, before its first fork, so no grading child repeats it.

Imported by the fork server (grader.batch.forkserver.PRELOAD): the engine, the part specs and so
torch; torch's lazy imports (sympy, 0.6-0.9 s); and the trial sandbox that tells whether
bubblewrap works here (0.3-0.5 s, mostly waiting on it: run beside the imports), whose answer is
cached for every child to inherit.
"""

from __future__ import annotations

import threading

from grader.sandbox.launch import bwrap_works

_probe = threading.Thread(target=bwrap_works, name="bwrap-probe")
_probe.start()

import grader.batch.isolation  # noqa: E402, F401
import grader.engine.grade  # noqa: E402, F401
import grader.parts  # noqa: E402, F401
from reference.device import warm_up  # noqa: E402

warm_up()
_probe.join()
