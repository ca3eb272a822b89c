"""The pure image-processing core: bytes in, variants and facts out.

Imports nothing of Flask, S3, RQ or the database, so it can be tested and benchmarked alone.
"""
from .detect import ACCEPTED, sniff  # noqa: F401
from .limits import PLACEMENTS  # noqa: F401
from .pipeline import Result, Settings, inspect, process  # noqa: F401
from .reasons import MESSAGES, ImageRejected  # noqa: F401
