"""One module per kind of check: correctness (forward, backward, examples), gradcheck, contract,
timing, training; `dispatch.run_planned` runs a planned check with the function for its kind."""
