"""PyTorch references with the students' signatures: forwards in torch ops, backwards by autograd.

References never import student code. They compute in float64 on the device chosen with
`reference.device.use(...)` (CUDA when asked for or, with "auto", when one is present).
"""
