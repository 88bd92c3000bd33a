"""Optional login: the checks, the auth file, the warning for a non-loopback host without login."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth import checker, exposure_warning, hash_line, is_loopback, read_users
from core.errors import UserError


def test_login_is_off_by_default() -> None:
    assert checker({}) is None


def test_policy_auth_pair() -> None:
    check = checker({"POLICY_AUTH": "desk:s3cret:with:colons"})
    assert check is not None
    assert check("desk", "s3cret:with:colons")
    assert not check("desk", "s3cret") and not check("other", "s3cret:with:colons") and not check("", "")
    for bad in ("nopassword", ":pw", "user:"):
        with pytest.raises(UserError, match="user:password"):
            checker({"POLICY_AUTH": bad})


def test_auth_file_with_bcrypt_hashes(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text(f"# staff\n{hash_line('kim', '비밀번호1')}\n\n{hash_line('lee', 'pw2')}\n", encoding="utf-8")
    assert set(read_users(path)) == {"kim", "lee"}
    assert "비밀번호1" not in path.read_text(encoding="utf-8")
    check = checker({"POLICY_AUTH_FILE": str(path), "POLICY_AUTH": "ignored:ignored"})
    assert check is not None
    assert check("kim", "비밀번호1") and check("lee", "pw2")
    assert not check("kim", "pw2") and not check("nobody", "pw2") and not check("ignored", "ignored")


@pytest.mark.parametrize(("content", "message"), [("kim:plaintext\n", "bcrypt"), ("# only comments\n", "no user"),
                                                  (":$2b$12$abc\n", "bcrypt")])
def test_bad_auth_files_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "users"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        checker({"POLICY_AUTH_FILE": str(path)})
    with pytest.raises(UserError, match="cannot read"):
        checker({"POLICY_AUTH_FILE": str(tmp_path / "missing")})


def test_warning_only_for_an_open_non_loopback_host() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5") and not is_loopback("example")
    assert exposure_warning("127.0.0.1", None) == ""
    assert "without a login" in exposure_warning("0.0.0.0", None)
    assert exposure_warning("0.0.0.0", lambda u, p: True) == ""
