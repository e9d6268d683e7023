"""Public records (allmänna handlingar): evidence store, integrity, registration, culling, e-archive."""
