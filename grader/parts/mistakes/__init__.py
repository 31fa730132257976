"""Catalogues of the classic mistakes of each part, declared as `Diagnosis` (by value) and
`Signature` (by trait) entries that the part's spec lists among its `diagnoses`."""
