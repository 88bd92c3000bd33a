"""Optional login for `serve`: POLICY_AUTH=user:password, or POLICY_AUTH_FILE with user:bcrypt-hash lines.

Off unless one of them is set. With it on, Gradio asks for a login before the page, its files and
its API (gradio_client passes auth=(user, password)) answer anything.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable, Mapping
from pathlib import Path

from core.errors import UserError

Checker = Callable[[str, str], bool]


def hash_line(user: str, password: str) -> str:
    """A POLICY_AUTH_FILE line: user:bcrypt hash of password (cost 12)."""
    import bcrypt

    if not user or ":" in user or not password:
        raise UserError("give a user name without ':' and a non-empty password")
    return f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(12)).decode()}"


def read_users(path: Path) -> dict[str, bytes]:
    """user -> bcrypt hash from a file of user:hash lines ('#' comments and blank lines skipped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the auth file ({exc})") from exc
    users: dict[str, bytes] = {}
    for i, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, _, hashed = line.partition(":")
        if not user or not hashed.startswith(("$2a$", "$2b$", "$2y$")):
            raise UserError(f"{path}:{i}: expected user:bcrypt-hash (make one with `python -m assistant hash-password USER`)")
        users[user] = hashed.encode()
    if not users:
        raise UserError(f"{path}: no user:hash lines")
    return users


def checker(env: Mapping[str, str]) -> Checker | None:
    """The login check from POLICY_AUTH_FILE or POLICY_AUTH, or None when login is off."""
    if env.get("POLICY_AUTH_FILE"):
        import bcrypt

        users = read_users(Path(env["POLICY_AUTH_FILE"]))

        def check_file(user: str, password: str) -> bool:
            hashed = users.get(user)
            return hashed is not None and bcrypt.checkpw(password.encode(), hashed)

        return check_file
    if env.get("POLICY_AUTH"):
        want_user, sep, want_password = env["POLICY_AUTH"].partition(":")
        if not sep or not want_user or not want_password:
            raise UserError("POLICY_AUTH must be user:password")

        def check_pair(user: str, password: str) -> bool:
            return hmac.compare_digest(user.encode(), want_user.encode()) & hmac.compare_digest(
                password.encode(), want_password.encode())

        return check_pair
    return None


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, login: Checker | None) -> str:
    """A warning when the app listens beyond this machine with no login ("" otherwise)."""
    if login is None and not is_loopback(host):
        return (f"warning: serving on {host} without a login; anyone who can reach this address can use it. "
                "Set POLICY_AUTH=user:password or POLICY_AUTH_FILE (see README, Access).")
    return ""
