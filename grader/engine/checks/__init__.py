"""One module per kind of check: correctness (forward, backward, examples), gradcheck, contract, timing."""
