"""PySide6 user interface: main window, screens, widgets, theme and i18n glue."""
