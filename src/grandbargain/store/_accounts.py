"""Users and API tokens. A token is shown once when made; the store keeps only a random key to
find it and the scrypt hash of its secret (hashlib.scrypt, per-token salt)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import OrderedDict
from datetime import UTC, datetime

from grandbargain.store._db import Store, iso
from grandbargain.store._models import ApiToken, User

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TOKEN = re.compile(r"^gb_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


class AccountError(ValueError):
    """A user name that cannot be used (taken, malformed, unknown)."""


def _digest(secret: str, salt: str) -> str:
    return hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), **SCRYPT).hex()


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise AccountError(f"user name {name!r}: use 1-64 letters, digits, '.', '_' or '-', "
                           "starting with a letter or digit")
    return name


def _issue_token(session, user: User) -> str:
    key, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
    session.add(ApiToken(user_id=user.id, key=key, salt=salt, secret_hash=_digest(secret, salt),
                         created_at=datetime.now(UTC), revoked=False))
    return f"gb_{key}_{secret}"


def add_user(store: Store, name: str) -> tuple[User, str]:
    """A new user and its first token (the only time the token is seen)."""
    check_name(name)
    from sqlalchemy import select

    with store.write() as session:
        if session.scalar(select(User).where(User.name == name)) is not None:
            raise AccountError(f"user {name!r} exists already (`grandbargain users token "
                               f"{name}` gives it a new token)")
        user = User(name=name, created_at=datetime.now(UTC))
        session.add(user)
        session.flush()
        token = _issue_token(session, user)
    return user, token


def new_token(store: Store, name: str, revoke_old: bool = False) -> str:
    """Another token for an existing user (optionally revoking its others)."""
    from sqlalchemy import select, update

    with store.write() as session:
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"no user {name!r}")
        if revoke_old:
            session.execute(update(ApiToken).where(ApiToken.user_id == user.id)
                            .values(revoked=True))
            _cache.clear()
        return _issue_token(session, user)


def list_users(store: Store) -> list[dict]:
    from sqlalchemy import func, select

    with store.session() as session:
        rows = session.execute(
            select(User.id, User.name, User.created_at, func.count(ApiToken.id))
            .outerjoin(ApiToken, (ApiToken.user_id == User.id) & (ApiToken.revoked.is_(False)))
            .group_by(User.id).order_by(User.id)).all()
    return [{"id": i, "name": n, "created_at": iso(c), "tokens": t} for i, n, c, t in rows]


def find_user(store: Store, name: str) -> User | None:
    from sqlalchemy import select

    with store.session() as session:
        return session.scalar(select(User).where(User.name == name))


class _Cache:
    """Tokens already checked in this process, by SHA-256 of the token (never the token): the
    scrypt check costs ~50 ms, too much for every request."""

    def __init__(self, size: int = 1024):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> tuple[int, str] | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: str, value: tuple[int, str]) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_cache = _Cache()


def authenticate(store: Store, token: str | None) -> tuple[int, str] | None:
    """(user id, name) for a valid, unrevoked token; None otherwise (never says why)."""
    match = TOKEN.match(token or "")
    if match is None:
        return None
    memo = hashlib.sha256(f"{store.url}\0{token}".encode()).hexdigest()
    hit = _cache.get(memo)
    if hit is not None:
        return hit
    from sqlalchemy import select

    key, secret = match.groups()
    with store.session() as session:
        row = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                              .where(ApiToken.key == key)).first()
    if row is None or row[0].revoked:
        return None
    stored, user = row
    if not hmac.compare_digest(_digest(secret, stored.salt), stored.secret_hash):
        return None
    _cache.put(memo, (user.id, user.name))
    return user.id, user.name
