"""Signed tokens for the site chat: a JWT per visitor, `{conv, user, exp}`.

Web Chat reads the `user` claim as the visitor's id, so ids cannot be forged by the browser;
a token opens only its own conversation. The signing key comes from WEBCHAT_TOKEN_KEY, or is
made once and kept in the database, so that a restart does not log every visitor out.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

import jwt
from sqlite_utils import Database

ALGORITHM = "HS256"
ISSUER = "relais"


class TokenError(Exception):
    """Missing, malformed, forged or expired token (HTTP 403)."""


@dataclass(frozen=True)
class Grant:
    conversation_id: str
    user_id: str
    expires_at: int


class Tokens:
    def __init__(self, key: str, ttl_s: int) -> None:
        self._key = key
        self.ttl_s = ttl_s

    @classmethod
    def from_database(cls, db: Database, ttl_s: int, key: str | None = None) -> Tokens:
        """Use `key` if given, else the database's own, made on first use."""
        if key is None:
            row = db.execute("select value from server_keys where name = 'webchat'").fetchone()
            if row is None:
                key = secrets.token_urlsafe(48)
                with db.conn:
                    db.execute("insert into server_keys (name, value) values ('webchat', ?)", [key])
            else:
                key = row[0]
        return cls(key, ttl_s)

    def issue(self, conversation_id: str, user_id: str) -> tuple[str, Grant]:
        now = int(time.time())
        grant = Grant(conversation_id, user_id, now + self.ttl_s)
        claims = {
            "iss": ISSUER,
            "conv": conversation_id,
            "user": user_id,
            "iat": now,
            "exp": grant.expires_at,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), grant

    def verify(self, token: str) -> Grant:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "conv", "user"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("token expired: refresh it or start again") from None
        except jwt.PyJWTError:
            raise TokenError("token not valid") from None
        return Grant(str(claims["conv"]), str(claims["user"]), int(claims["exp"]))


def new_id(prefix: str = "") -> str:
    """Unguessable ids for conversations and visitors."""
    return prefix + secrets.token_urlsafe(16)
