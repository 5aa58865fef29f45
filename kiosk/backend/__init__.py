"""Client of the operator backend: typed results and errors over one HTTP session.

Import :class:`~kiosk.backend.client.BackendClient`, results from :mod:`kiosk.backend.models`
and errors from :mod:`kiosk.backend.errors`.
"""
