"""The kiosk core: domain, session, flows, devices, backend client, journal, config, CLI.

Imports no Qt: everything here runs and is tested without a display.
"""



def __getattr__(name: str) -> str:
    """``kiosk.__version__``: from the package metadata (kiosk/version.py), looked up on use."""
    if name == "__version__":
        from kiosk.version import app_version

        return app_version()
    raise AttributeError(name)
