"""Instructor solution, vectorized numpy: im2col by strided views, loops only over kernel offsets or time."""
