"""Errors of the HTTP API: every failure is JSON ``{"error": one line, "fix": one line}`` with a
status code chosen by the exception's type (400 bad query or parameter, 401/403 token, 404 unknown
id, 409 KB busy or locked, 413 too large, 422 invalid request or unreadable file, 500 a bug)."""
from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.cite import ClauseNotFound
from index.records import FormatError, KBBusy, KBError, KBMissing, ModelMismatch
from index.sentences import TextTooLong
from ingest.records import IngestError

log = logging.getLogger("index.api")


class ApiError(Exception):
    """An answer other than 200, raised by a route: ``status``, one-line ``error`` and ``fix``."""

    def __init__(self, status: int, error: str, fix: str):
        super().__init__(error)
        self.status, self.error, self.fix = status, error, fix


def not_found(what: str, fix: str) -> ApiError:
    """404 for an unknown id."""
    return ApiError(404, what, fix)


# (exception type, status, fix), first match wins: subclasses before their base.
KB_ERRORS: tuple[tuple[type, int, str], ...] = (
    (KBBusy, 409, "another ingestion is writing the knowledge base; retry when it has finished"),
    (ClauseNotFound, 404, "take clause ids from GET /search"),
    (TextTooLong, 413, "send a shorter text (split the draft and send it in parts)"),
    (KBMissing, 409, "build the knowledge base first: python -m index add corpus/ --kb DIR"),
    (ModelMismatch, 409, "rebuild the knowledge base with the model it is served with"),
    (FormatError, 409, "rebuild the knowledge base: python -m index rebuild --kb DIR"),
    (KBError, 400, "check the request's parameters against /docs"),
    (IngestError, 422, "upload a readable PDF, DOCX, DOC, TXT, MD, HTML or image file"),
    (ValueError, 400, "check the request's parameters against /docs"),
)


def body(error: str, fix: str) -> dict:
    """The JSON body of every error answer."""
    return {"error": " ".join(str(error).split()), "fix": " ".join(str(fix).split())}


def _answer(status: int, error: str, fix: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body(error, fix), headers=headers)


def classify(exc: Exception) -> tuple[int, str] | None:
    """(status, fix) for a library exception, or None when it is not one the API expects."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return 409, "the database is locked by a writer; retry in a moment"
    for kind, status, fix in KB_ERRORS:
        if isinstance(exc, kind):
            return status, fix
    return None


def _validation_message(exc: RequestValidationError) -> str:
    errs = exc.errors()
    if not errs:
        return "invalid request"
    first = errs[0]
    where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "path", "body"))
    return f"{where or 'request'}: {first.get('msg', 'invalid')}" + (f" (and {len(errs) - 1} more)" if len(errs) > 1
                                                                      else "")


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into ``{"error", "fix"}`` answers."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _answer(exc.status, exc.error, exc.fix)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _answer(422, _validation_message(exc), "correct the parameter; /docs lists each one with its type")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        fix = "see /docs for the endpoints and their methods" if exc.status_code in (404, 405) else "see /docs"
        return _answer(exc.status_code, str(exc.detail), fix, headers=exc.headers)  # 405 keeps its Allow

    async def _library(_: Request, exc: Exception) -> JSONResponse:
        known = classify(exc)
        if known is None:
            return _bug(exc)
        return _answer(known[0], str(exc) or exc.__class__.__name__, known[1])

    # the expected exception types by class (handled inside the app), the rest as a bug (500)
    for kind in (KBError, IngestError, ValueError, sqlite3.OperationalError):
        app.add_exception_handler(kind, _library)
    app.add_exception_handler(Exception, lambda _req, exc: _bug(exc))


def _bug(exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return _answer(500, f"internal error ({exc.__class__.__name__})", "report it with the request that caused it")
