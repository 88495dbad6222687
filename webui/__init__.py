"""Pieces of the Streamlit search page (``app.py``): URL state, rendering, export,
the knowledge-base page, uploads and the speed benchmark."""
