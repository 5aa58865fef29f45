"""Tour steps for 增值业务 (PRODUCT function 6).

ui/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed)."""

from __future__ import annotations

from ui.tour import Step

STEPS: list[Step] = []
