"""Checks of values that arrive in ``create``/``write`` before the ORM converts them (over RPC, anything)."""

MAX_ID = 2**31 - 1


def is_record_id(value):
    """Whether ``value`` can be a record id. An override that reads a many2one from the values before ``super()``
    uses it only then, and leaves other values to the ORM, which refuses them with its own message."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
