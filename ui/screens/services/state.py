"""What the 我的业务 screen holds for one customer, in one object (it was nine nullable
attributes on the screen, each reset by hand at session end).

Qt-free; the screen replaces it whole with a fresh one on every clear, so nothing of a
previous customer or question can survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.backend import models as m


@dataclass
class ServicesState:
    """The lists, the question being asked, the order in flight and the last transaction."""

    services: m.ServiceList | None = None  # as the backend last listed them
    ordering: m.Service | None = None  # the service of the order question or the quote
    unsubscribing: m.Subscription | None = None  # the subscription of the 退订 question
    quote: m.OrderQuote | None = None  # the order's first step (an SMS code was sent)
    agreement: m.Agreement | None = None  # the order terms asked about (fetched per question)
    done_agreement: m.Agreement | None = None  # accepted with the order in ``done``
    # The last transaction done here, for the result line and its receipt.
    done: tuple[m.ServiceChange, m.OrderQuote | None] | None = None
    open_order: str | None = None  # service code to ask about once the list is in

    @property
    def asking(self) -> bool:
        """True while a question (order or 退订) is on screen."""
        return self.ordering is not None or self.unsubscribing is not None
