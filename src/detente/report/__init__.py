"""Presenting results: narratives, tables, Markdown/HTML reports and plots (read-only views)."""

from .builder import Report, build_report, write_report  # noqa: E402,F401
