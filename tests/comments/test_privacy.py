"""Commenter privacy: encrypted emails, keyed hashes, nothing reversible in public."""

import hashlib

import pytest

from masthead.comments import privacy


def test_email_round_trips_through_encryption():
    token = privacy.encrypt_email("  Reader@Example.NET ")
    assert "reader" not in token.lower()
    assert privacy.decrypt_email(token) == "reader@example.net"


def test_encrypting_twice_gives_different_tokens():
    assert privacy.encrypt_email("a@example.net") != privacy.encrypt_email(
        "a@example.net"
    )


def test_a_changed_key_is_a_clear_error(settings):
    token = privacy.encrypt_email("a@example.net")
    settings.MASTHEAD_COMMENTS_KEY = "another key"
    with pytest.raises(ValueError, match="MASTHEAD_COMMENTS_KEY"):
        privacy.decrypt_email(token)


def test_digests_ignore_case_and_spaces_but_depend_on_the_key(settings):
    digest = privacy.email_digest("Reader@Example.net ")
    assert digest == privacy.email_digest("reader@example.net")
    settings.MASTHEAD_COMMENTS_KEY = "another key"
    assert privacy.email_digest("reader@example.net") != digest


def test_public_avatar_hash_is_neither_the_lookup_hash_nor_a_plain_hash():
    email = "reader@example.net"
    avatar = privacy.avatar_digest(email)
    assert avatar not in privacy.email_digest(email)
    assert avatar not in hashlib.md5(email.encode()).hexdigest()
    assert avatar not in hashlib.sha256(email.encode()).hexdigest()


def test_no_ip_gives_no_hash():
    assert privacy.ip_digest("") == ""
    assert len(privacy.ip_digest("203.0.113.9")) == 64
