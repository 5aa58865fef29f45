"""Customer journeys as plain Python: what comes next, independent of any screen."""
