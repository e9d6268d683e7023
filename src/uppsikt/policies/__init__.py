"""A municipality's guideline as data: presets per seed guideline plus edits (invariant 6)."""
