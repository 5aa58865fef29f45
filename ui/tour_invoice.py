"""Tour steps for 发票打印与垃圾短信举报 (PRODUCT functions 9 and 10).

ui/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed)."""

from __future__ import annotations

from ui.tour import Step

STEPS: list[Step] = []
