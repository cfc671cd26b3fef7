"""``python -m detente``: the command line (same as the ``detente`` console script)."""

from .cli import main

if __name__ == "__main__":
    main()
