"""The one decode exception: its message is the reason the catalog records for a failed file."""


class DecodeError(RuntimeError):
    """The file could not be decoded; the message is the reason recorded in the catalog."""
