"""Bills (5 closed months), itemised details, printing and disputes (issue 6)."""
