"""Running student code: staging a submission, launching and confining its worker, talking to it.

`staging` copies the graded files to a private folder, `static_check` reads them for forbidden
imports, `launch` starts the worker under bubblewrap (or the process fallback) in a `slots` uid,
`client.Worker` is the parent's side of the pipe and `proctree` kills what is left. `inside/` is
the only code that runs in the worker itself.
"""
