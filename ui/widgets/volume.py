"""Staff's voice volume control on the admin screen: − / + in steps of 10, a test prompt.

It changes the running guide only; ``voice.volume`` in the terminal's TOML is what a restart
comes back to (the kiosk never rewrites its configuration file).
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.i18n import Translator
from kiosk.voice.guide import VoiceGuide
from kiosk.voice.prompts import Prompt
from ui.props import no_focus

STEP = 10
MIN_VOLUME = 10
MAX_VOLUME = 100


class VolumeControl(QWidget):
    """A label ("Voice volume 80%") and − / + buttons; each change speaks at the new volume."""

    def __init__(self, guide: VoiceGuide, translator: Translator) -> None:
        super().__init__()
        self._guide = guide
        self._tr = translator
        self.label = QLabel()
        self.quieter = QPushButton("−")
        self.louder = QPushButton("+")
        for button in (self.quieter, self.louder):
            no_focus(button)
        self.quieter.clicked.connect(lambda: self._change(-STEP))
        self.louder.clicked.connect(lambda: self._change(STEP))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.quieter)
        layout.addWidget(self.louder)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(self._tr.tr("admin.voice_volume", volume=self._guide.volume))

    def _change(self, delta: int) -> None:
        volume = max(MIN_VOLUME, min(MAX_VOLUME, self._guide.volume + delta))
        self._guide.set_volume(volume)
        self.retranslate()
        self._guide.speak(Prompt.VOICE_ON, self._tr.locale)
