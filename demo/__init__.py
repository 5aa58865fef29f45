"""The demo and the tour, apart from the runtime packages (import-linter: no runtime module
imports ``demo``): the embedded demo stack (reference backend and emulated devices,
``stack``), the operator's device panel, the scripted tour (``tour``, ``tour_*``) and the
``kiosk demo`` command (``commands``, found by name like every command module)."""
