"""The write token: the write endpoints answer only when ``POLICY_API_TOKEN`` is set in the
server's environment, and then only to ``Authorization: Bearer <token>``."""
from __future__ import annotations

import hmac
import os

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from index.api.errors import ApiError

TOKEN_ENV = "POLICY_API_TOKEN"
_bearer = HTTPBearer(auto_error=False, description=f"the value of {TOKEN_ENV} in the server's environment")


def writes_enabled() -> bool:
    """True when the server was started with a write token."""
    return bool(os.environ.get(TOKEN_ENV))


def require_token(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
    """403 when writes are off, 401 when the bearer token is missing or wrong."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise ApiError(403, "write endpoints are off on this server",
                       f"start the server with {TOKEN_ENV}=SECRET in its environment and send "
                       "Authorization: Bearer SECRET")
    sent = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(sent.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(401, "missing or wrong bearer token",
                       f"send the header Authorization: Bearer <the server's {TOKEN_ENV}>")
