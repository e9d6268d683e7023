"""Named audit events in an append-only, hash-chained table (REC-8)."""
