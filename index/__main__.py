"""``python -m index search|stats|context|eval|bench``; eval and bench are imported only when asked for."""
import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the search CLI, or lazily to ``index.evaluate`` / ``index.bench``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "eval":
        from index.evaluate import main as eval_main

        return eval_main(argv[1:])
    if argv and argv[0] == "bench":
        from index.bench import main as bench_main

        return bench_main(argv[1:])
    from index.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
