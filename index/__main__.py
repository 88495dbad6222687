"""``python -m index COMMAND``: search, context, stats, add, remove, rebuild (see ``index.cli``)."""
import sys

from index.cli import main

if __name__ == "__main__":
    sys.exit(main())
