"""Feasible-state enumeration and numbering for option-form conflicts.

A state is a yes/no value for each of n options; its *decimal code* is Σ 2^(k−1) over the options
k taken (option 1 is the lowest bit). Feasible states are numbered 1..m in increasing code
(the literature and GMCR+ convention). The engine works with 0-based indices 0..m−1 internally;
interfaces add one.

>>> import numpy as np
>>> space = StateSpace.from_mask_function(2, lambda codes: codes != 3)   # forbid "both taken"
>>> space.codes.tolist(), space.bits(1).tolist()
([0, 1, 2], [False, False, True])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import limits
from ..errors import ModelError, ModelTooLargeError

MAX_OPTIONS = 30
CHUNK_BITS = 22


@dataclass(frozen=True)
class StateSpace:
    """The feasible states of an option-form conflict: ``codes[t]`` is state t+1's decimal code."""

    n_options: int
    codes: np.ndarray

    @property
    def size(self) -> int:
        return int(self.codes.size)

    def bits(self, option: int) -> np.ndarray:
        """Whether option ``option`` (0-based) is taken, for every feasible state."""
        return ((self.codes >> option) & 1).astype(bool)

    def index_of(self, codes: np.ndarray | int) -> np.ndarray:
        """0-based state indices of the given codes, −1 where a code is not a feasible state."""
        codes = np.asarray(codes, dtype=np.int64)
        pos = np.searchsorted(self.codes, codes)
        pos = np.clip(pos, 0, max(self.size - 1, 0))
        ok = self.codes[pos] == codes if self.size else np.zeros(codes.shape, bool)
        return np.where(ok, pos, -1)

    def pattern(self, index: int) -> str:
        """The state as a Y/N string, option 1 first."""
        code = int(self.codes[index])
        return "".join("Y" if (code >> k) & 1 else "N" for k in range(self.n_options))

    @classmethod
    def from_mask_function(cls, n_options: int, feasible: Callable[[np.ndarray], np.ndarray],
                           progress: Callable[[int, int], None] | None = None) -> "StateSpace":
        """Enumerate all 2^n codes in chunks, keeping those for which ``feasible(codes)`` is true.

        ``feasible`` receives an int64 array of codes and returns a boolean mask. Memory stays
        proportional to the number of feasible states, not to 2^n.
        """
        if n_options > MAX_OPTIONS:
            raise ModelTooLargeError(
                f"{n_options} options give 2^{n_options} candidate states; detente enumerates at most "
                f"{MAX_OPTIONS} options. Split the conflict, merge options, or use graph form.")
        limits.check_candidates(n_options)
        total = 1 << n_options
        chunk = 1 << min(CHUNK_BITS, n_options)
        kept: list[np.ndarray] = []
        found = 0
        for start in range(0, total, chunk):
            codes = np.arange(start, min(start + chunk, total), dtype=np.int64)
            mask = np.asarray(feasible(codes), dtype=bool)
            if mask.shape == ():
                mask = np.full(codes.shape, bool(mask))
            kept.append(codes[mask])
            found += int(kept[-1].size)
            limits.check_states(found)  # stop as soon as the model is known to be too large
            if progress:
                progress(min(start + chunk, total), total)
        codes = np.concatenate(kept) if kept else np.zeros(0, np.int64)
        if codes.size == 0:
            raise ModelError("the feasibility constraints leave no feasible state", field="feasibility")
        return cls(n_options, codes)


def estimate_option_form_bytes(n_options: int, dm_option_counts: list[int], n_feasible: int | None = None) -> int:
    """A conservative estimate of the engine's peak memory for an option-form model.

    Per state the engine keeps codes, levels and a few working arrays; per DM with k options a
    block table of (2^k × blocks) entries, at most min(m · 2^k, 2^n), with an index, a validity
    flag and a compact level copy each; plus fixed-size chunk buffers for improvement passes.
    """
    m = n_feasible if n_feasible is not None else (1 << n_options)
    n_dms = max(1, len(dm_option_counts))
    total = m * (160 + 8 * n_dms + n_options)  # codes, levels, option columns, working arrays
    for k in dm_option_counts:
        table = min(m * (1 << k), 1 << n_options)
        total += table * 14 + m * 24
    total += 64 << 20   # chunk buffers of the pairwise improvement passes
    return int(total)
