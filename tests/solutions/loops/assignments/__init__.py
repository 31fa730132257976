"""Instructor solution written like a slow but correct student: explicit Python loops everywhere."""
