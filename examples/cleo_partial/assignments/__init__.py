"""Course assignments: fill in every function that raises NotImplementedError."""
