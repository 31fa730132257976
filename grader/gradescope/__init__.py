"""Gradescope: `build` writes the autograder zip; `run` is what that zip calls for each upload."""
