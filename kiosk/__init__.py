"""The kiosk core: domain, session, flows, devices, backend client, journal, config, CLI.

Imports no Qt: everything here runs and is tested without a display.
"""

__version__ = "0.1.0"
