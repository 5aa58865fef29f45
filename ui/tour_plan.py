"""Tour steps for 套餐变更 (PRODUCT function 5).

ui/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed)."""

from __future__ import annotations

from ui.tour import Step

STEPS: list[Step] = []
