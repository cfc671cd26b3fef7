"""Presenting results: narratives, tables, Markdown/HTML reports and plots (read-only views)."""
