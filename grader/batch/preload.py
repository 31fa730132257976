"""What the batch's fork server does once, before its first fork, so no grading child repeats it.

Imported by the fork server (grader.batch.forkserver.PRELOAD): the engine, the part specs and so
torch; torch's lazy imports (sympy, 0.6-0.9 s); and the trial sandbox that tells
whether bubblewrap works here (0.3-0.5 s), whose answer is cached for every child to inherit.
"""

from __future__ import annotations

import grader.batch.isolation  # noqa: F401
import grader.engine.grade  # noqa: F401
import grader.parts  # noqa: F401
from grader.sandbox.launch import bwrap_works
from reference.device import warm_up

warm_up()
bwrap_works()
