"""Device drivers: plain blocking Python behind small ``typing.Protocol``s, no Qt.

The ui/ layer moves each driver onto its own thread and turns callbacks into signals.
"""
