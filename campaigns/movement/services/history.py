"""How the movement's workflows write a field's value into a history entry (stored as JSON)."""


def history_value(value):
    """A field value as a history entry keeps it: plain JSON values as they are, anything else as people read it.

    Model instances, dates (ISO, e.g. 2026-01-15) and decimals become their text.
    """
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)
