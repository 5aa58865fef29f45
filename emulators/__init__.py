"""Device emulators speaking the real wire protocols over pseudo-terminals (and TCP).

``python -m emulators idcard`` / ``python -m emulators printer`` run them standalone; tests use
the classes in-process. Emulators may import only ``printer`` and ``common``.
"""
