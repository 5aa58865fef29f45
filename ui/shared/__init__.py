"""Helpers every feature may use (ui/screens/* never import each other): the customer and
terminal as documents name them, the session's bills, and opening a screen that needs a
higher identification level."""
