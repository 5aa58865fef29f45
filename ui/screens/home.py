"""The home screen: a welcome and one tile per registered function."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from kiosk.idle import ScreenKind
from kiosk.voice.prompts import Prompt
from ui.context import AppContext
from ui.features import Feature, FeatureRegistry
from ui.screen import Screen
from ui.widgets.tile import Tile

COLUMNS = 4
# Room around the tiles (standard, large text). The large header is 22 px taller than the
# standard one: with a customer identified (the navigation bar shown) the large home screen
# was 14 px taller than its window and scrolled (issue 13), so large text packs tighter.
GAP_ABOVE_TILES = {False: 12, True: 0}
TILE_SPACING = {False: 20, True: 14}


class HomeScreen(Screen):
    """Tiles come from the registry; tapping one asks the shell to open that feature."""

    feature_chosen = Signal(str)

    screen_id = "home"
    kind = ScreenKind.HOME
    voice_prompt = Prompt.WELCOME

    def __init__(self, ctx: AppContext, registry: FeatureRegistry, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._registry = registry
        self._welcome = self.label("welcome")
        self._sub = self.label("welcomeSub")
        self.layout_.addWidget(self._welcome)
        self.layout_.addWidget(self._sub)
        # The gap above the tiles is the grid's top margin, not a spacer item: a QSpacerItem
        # needs QSizePolicy, whose first use costs ~1 ms before the first frame.
        grid = QGridLayout()
        self._grid = grid
        self.tiles: dict[str, Tile] = {}
        for index, feature in enumerate(registry.all()):
            tile = Tile(feature.icon)
            tile.clicked.connect(lambda _=False, key=feature.key: self.feature_chosen.emit(key))
            grid.addWidget(tile, index // COLUMNS, index % COLUMNS)
            self.tiles[feature.key] = tile
        for column in range(COLUMNS):  # equal columns, however few tiles there are
            grid.setColumnStretch(column, 1)
        self.layout_.addLayout(grid)
        self.layout_.addStretch(1)
        self._card_hint = self.label(role="notice")
        self.layout_.addWidget(self._card_hint)
        # Shown while the printer cannot print (ui/service_monitor.py).
        self.printing_notice = self.label("printingUnavailable", role="error")
        self.printing_notice.hide()
        self.layout_.addWidget(self.printing_notice)
        # Shown while the banknote acceptor cannot take cash (kiosk/cash CashDesk.blockers).
        self.cash_notice = self.label("cashUnavailable", role="notice")
        self.cash_notice.hide()
        self.layout_.addWidget(self.cash_notice)
        self._customer_present = False
        self._printing_available = True
        self._cash_available = True
        self.set_large_text(ctx.config.ui.large_text)

    def set_customer_present(self, present: bool) -> None:
        """With a customer identified, the "how to start" hint gives way to the navigation
        bar's 结束服务 (the screen keeps within 1080 px with the bar)."""
        self._customer_present = present
        self._update_notices()

    def set_large_text(self, on: bool) -> None:
        """Large-text mode shows the tiles' titles only: bigger words, less to read, and
        three rows of tiles still fit one 1080p screen, with less room between them."""
        for tile in self.tiles.values():
            tile.subtitle.setVisible(not on)
        self._grid.setSpacing(TILE_SPACING[on])
        self._grid.setContentsMargins(0, GAP_ABOVE_TILES[on], 0, 0)
        self.layout_.invalidate()

    def set_printing_available(self, available: bool) -> None:
        """Paper out (or cover open, printer silent): say so, and disable only the functions
        that exist to print; everything else stays open."""
        self._printing_available = available
        self._update_notices()
        for feature in self._registry.all():
            if feature.needs_paper:
                self.tiles[feature.key].setEnabled(available)

    def set_cash_available(self, available: bool) -> None:
        """The acceptor cannot take cash (full, jammed, uncertain, silent, clearance due):
        say so, and that QR payment still works."""
        self._cash_available = available
        self._update_notices()

    def _update_notices(self) -> None:
        # One notice at a time keeps the screen within 1080 px: "printing unavailable", then
        # "cash unavailable", take the place of the how-to-start hint.
        printing, cash = self._printing_available, self._cash_available
        self.printing_notice.setVisible(not printing)
        self.cash_notice.setVisible(printing and not cash)
        self._card_hint.setVisible(printing and cash and not self._customer_present)

    def features(self) -> list[Feature]:
        return self._registry.all()

    def enter(self, params: Any) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self._welcome.setText(self.tr("home.welcome"))
        self._sub.setText(self.tr("home.choose"))
        self._card_hint.setText(self.tr("home.card_hint"))
        self.printing_notice.setText(self.tr("service.printing_unavailable"))
        self.cash_notice.setText(self.tr("cash.unavailable_qr"))
        for feature in self._registry.all():
            self.tiles[feature.key].set_texts(
                self.tr(feature.title_key), self.tr(feature.subtitle_key)
            )
