"""Pathways: an offline, encrypted delivery-plan manager for community safety partnerships."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pathways")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
