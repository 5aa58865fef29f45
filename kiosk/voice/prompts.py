"""The one list of spoken prompts: prompt -> the i18n messages it speaks.

A prompt names catalogue keys, never text, so an English and a Chinese recording say what the
screen's catalogue says. Prompts are spoken without placeholders: audio is made ahead of time
and nothing personal (a phone number) is ever said aloud in the hall.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Prompt(enum.Enum):
    """One spoken step; the value is the audio file's stem (``<locale>/<value>.wav``)."""

    WELCOME = "welcome"
    ENTER_PHONE = "enter_phone"
    CHOOSE_METHOD = "choose_method"
    PLACE_CARD = "place_card"
    PICK_NUMBER = "pick_number"  # card first: the card's numbers to pick from
    ENTER_PASSWORD = "enter_password"
    ENTER_CODE = "enter_code"
    PAYMENT_DONE = "payment_done"
    TAKE_RECEIPT = "take_receipt"
    IDLE_WARNING = "idle_warning"
    VOICE_ON = "voice_on"


# Screen messages where they hold no placeholder; ``voice.*`` messages where the screen's text
# names the customer's number (the spoken form leaves it out).
MESSAGES: Mapping[Prompt, tuple[str, ...]] = {
    Prompt.WELCOME: ("home.welcome", "home.choose"),
    Prompt.ENTER_PHONE: ("identify.phone_prompt",),
    Prompt.CHOOSE_METHOD: ("identify.choose_prompt",),
    Prompt.PLACE_CARD: ("voice.place_card",),
    Prompt.PICK_NUMBER: ("voice.pick_number",),
    Prompt.ENTER_PASSWORD: ("voice.enter_password",),
    Prompt.ENTER_CODE: ("voice.enter_code",),
    Prompt.PAYMENT_DONE: ("voice.payment_done",),
    Prompt.TAKE_RECEIPT: ("print.done",),
    Prompt.IDLE_WARNING: ("idle.title", "voice.idle_warning"),
    Prompt.VOICE_ON: ("voice.on",),
}


def prompt_text(prompt: Prompt, catalogue: Mapping[str, str]) -> str:
    """The words of ``prompt`` in one locale's catalogue (messages joined by a space)."""
    return " ".join(catalogue[key] for key in MESSAGES[prompt])
