"""The web interface (FastAPI): a JSON API and a one-page app. Install with ``pip install 'detente[web]'``."""
