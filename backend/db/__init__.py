"""Database access: schema (:mod:`.tables`), engines and migrations (:mod:`.engine`)."""
