"""The one exception type the CLI turns into a clear message and a non-zero exit."""


class FraudopsError(Exception):
    """A problem the user can fix: bad params, missing file, bad data. Never a bug."""
