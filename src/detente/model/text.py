"""Text every layer shares: lists of state numbers.

:func:`state_list` is the package's one short-list helper: model errors ("the ranking misses
...") and input checks, analyses' summaries and prose, the report and the command line all list
states with it, so a long list reads the same everywhere.

>>> state_list([1, 2, 3, 7, 9], limit=3)
'1, 2, 3, … (5 in all)'
"""

from __future__ import annotations

from collections.abc import Iterable


def state_list(states: Iterable[int], limit: int = 40) -> str:
    """State numbers (or any numbers) as text, at most ``limit`` of them.

    Parameters
    ----------
    states : iterable of int
        The numbers, listed in the order given.
    limit : int
        The most numbers written; a longer list ends with ``…`` and its length.

    Returns
    -------
    str
        ``"1, 4, 7"``, ``"none"`` when empty, or ``"1, 2, 3, … (57 in all)"``.

    Examples
    --------
    >>> state_list([]), state_list([4]), state_list(range(1, 6), limit=2)
    ('none', '4', '1, 2, … (5 in all)')
    """
    items = [int(s) for s in states]
    if not items:
        return "none"
    if len(items) <= limit:
        return ", ".join(map(str, items))
    return ", ".join(map(str, items[:limit])) + f", … ({len(items)} in all)"


__all__ = ["state_list"]
