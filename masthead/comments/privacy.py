"""How a commenter's personal data is kept: encrypted, hashed with a key, or not at all.

- The email is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256), so the
  newsroom can answer a commenter's request for their data, and as a keyed hash
  (HMAC-SHA256) for lookups: rate limits, "previously approved", blocklists.
- The avatar is drawn from another keyed hash, so the public image reveals
  nothing that could be matched against a list of emails (unlike Gravatar's
  plain MD5 of the email).
- IP addresses are never stored: a keyed hash serves rate limits, and even that
  is erased after MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS.

The keys are derived from MASTHEAD_COMMENTS_KEY, or from SECRET_KEY when unset.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def derived_key(purpose: str) -> bytes:
    """Return a 32-byte key for `purpose`, derived from the comments key."""
    secret = getattr(settings, "MASTHEAD_COMMENTS_KEY", None) or settings.SECRET_KEY
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def keyed_digest(purpose: str, value: str) -> str:
    """Return the hex HMAC-SHA256 of `value` under the key for `purpose`."""
    return hmac.new(derived_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def email_digest(email: str) -> str:
    """Return the lookup hash of `email` (case and spaces ignored)."""
    return keyed_digest("comments.email", normalize_email(email))


def avatar_digest(email: str) -> str:
    """Return the hash an avatar is drawn from; unrelated to the lookup hash."""
    return keyed_digest("comments.avatar", normalize_email(email))[:32]


def ip_digest(ip: str) -> str:
    """Return the hash of an IP address, for rate limits and nothing else."""
    return keyed_digest("comments.ip", ip) if ip else ""


def fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key("comments.email-encryption")))


def encrypt_email(email: str) -> str:
    """Return `email` encrypted for storage."""
    return fernet().encrypt(normalize_email(email).encode()).decode()


def decrypt_email(token: str) -> str:
    """Return the email in `token`; raise ValueError if the key has changed."""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: MASTHEAD_COMMENTS_KEY has changed") from exc
