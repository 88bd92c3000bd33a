"""Errors split by whose fault they are; only the CLI turns them into messages."""


class UserError(Exception):
    """Something the user can fix: a bad path, a missing index, a bad setting."""


class IndexMissing(UserError):
    """No index where one was expected."""
