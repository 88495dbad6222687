"""The app factory: ``create_app(kb_dir)`` builds the FastAPI app over one KB directory
(argument, else ``POLICY_KB``, else ``kb/``), opened once per worker process at startup."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from index.api import errors, routes_docs, routes_search, routes_write
from index.api.holder import KBHolder
from index.api.models import ErrorOut
from index.location import kb_path

DESCRIPTION = """Search Chinese policy documents by clause, with citations. Answers are the JSON of
`python -m index … --json`. Errors are `{"error", "fix"}`. Write endpoints need the server started
with `POLICY_API_TOKEN` set and `Authorization: Bearer <token>`."""
READ_ERRORS = {s: {"model": ErrorOut} for s in (400, 404, 409, 413, 422)}


def create_app(kb_dir: str | Path | None = None, *, warm_up: bool = True) -> FastAPI:
    """The API over the KB at ``kb_dir``; ``warm_up`` loads the model and indexes at startup."""
    holder = KBHolder(kb_path(kb_dir).resolve())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder.get()  # a missing or unreadable KB stops the worker at startup, with the error logged
        if warm_up:
            holder.warm_up()
        yield
        holder.close()

    app = FastAPI(title="政策文件知识库 API", description=DESCRIPTION, version="1", lifespan=lifespan)
    app.state.holder = holder
    errors.install(app)
    app.include_router(routes_search.router, responses=READ_ERRORS)
    app.include_router(routes_docs.router, responses=READ_ERRORS)
    app.include_router(routes_write.router)
    return app
