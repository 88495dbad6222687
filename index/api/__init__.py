"""The HTTP API of a knowledge base (FastAPI, served by uvicorn through ``python -m index serve``).

Modules: ``app`` (the app factory), ``holder`` (the KB of one worker process), ``errors`` (typed
exceptions to status codes with ``{"error", "fix"}``), ``auth`` (the write token), ``deps`` (the worker's KB, parameter bounds), ``models``
(response models for OpenAPI), ``routes_search``, ``routes_docs``, ``routes_write`` (endpoints by
capability), ``uploads`` (saving uploaded bytes) and ``serve`` (the ``serve`` command).
FastAPI is imported only when the server runs, never by the rest of the package.
"""
