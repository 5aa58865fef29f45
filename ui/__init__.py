"""PySide6 user interface: main window, screens, widgets, theme and i18n glue."""

from ui import pyside_feature

pyside_feature.install()  # before any other module of ours is imported (ui/pyside_feature.py)
