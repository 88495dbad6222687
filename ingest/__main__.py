"""``python -m ingest PATH... --preview`` prints how files will be cut; without
``--preview`` the files are ingested into the knowledge base (see ``index.ingest_cli``)."""
import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the preview printer or to the knowledge-base ingester."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--preview" in argv:
        from ingest.preview import main as preview_main

        return preview_main([a for a in argv if a != "--preview"])
    from index.ingest_cli import main as kb_main

    return kb_main(argv)


if __name__ == "__main__":
    sys.exit(main())
