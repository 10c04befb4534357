"""Compiled loops of national screening (Numba): the look-ups, the candidate selection, the log
rows and the spreading of table rows.

These are the loops that NumPy can only run as many whole-array passes with temporaries:
summing 23 table rows per body and column, then finding each body's best columns, every
column above the threshold, the log rows and the float32 copy of the tables. The sums keep
NumPy's floating-point order (float32 additions marker by marker, no reassociation), so
they are bitwise equal to it; the logs are libm's, within an ulp of NumPy's (tested against
NumPy references in ``tests/kinship/test_compiled.py``). Compiled on first use and cached on disk
(:func:`compiled`); ``nogil`` lets screening's threads run them in parallel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "TILE",
    "accumulate",
    "compiled",
    "log_ratios",
    "n_tiles",
    "select_candidates",
    "spread_float32",
]

_F = TypeVar("_F", bound=Callable[..., Any])


def compiled(func: _F) -> _F:
    """``numba.njit`` keeping the function's type for mypy, GIL released, and cached on disk
    where Numba finds a writable place (``NUMBA_CACHE_DIR``, ``__pycache__`` beside the code,
    the user's cache folder). A hardened service may have none (a read-only installation, no
    home folder): the function is then compiled in memory once per process instead of
    failing at import."""
    try:
        return cast(_F, numba.njit(cache=True, nogil=True)(func))
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return cast(_F, numba.njit(nogil=True)(func))


#: Columns per tile of the float32 tables: a tile of every marker's table (~3,700 rows at 23
#: markers, 7 MB) is read from the shared cache by a whole chunk of bodies before the next.
TILE = 512


def n_tiles(n_columns: int) -> int:
    """Tiles of :data:`TILE` columns that hold ``n_columns`` (the last one padded)."""
    return max(1, -(-n_columns // TILE))


@compiled
def accumulate(
    stack: NDArray[np.float32],
    offsets: NDArray[np.int64],
    sex: NDArray[np.float32],
    rows: NDArray[np.int64],
    out: NDArray[np.float32],
    best: NDArray[np.float32],
) -> None:
    """Float32 sums of every body against every column, tile by tile, and each body's largest.

    ``stack`` is ``(tiles, rows, TILE)``: marker ``m``'s table in rows ``offsets[m]:offsets[m +
    1]`` of every tile (the last row of each marker, untyped, is skipped); ``sex`` ``(tiles, 3,
    TILE)``; ``rows`` ``(bodies, markers + 1)`` each body's table rows and sex row. Writes
    ``out[t, i] = sex[t, rows[i, -1]] + T_0[rows[i, 0]] + T_1[rows[i, 1]] + ...`` (float32,
    marker by marker, as NumPy adds rows) and ``best[i]``, the body's ``best.shape[1]``
    largest sums in decreasing order (``-inf`` when fewer)."""
    tiles, n_body, width = out.shape
    n_markers = offsets.shape[0] - 1
    k = best.shape[1]
    best[:] = -np.inf
    # each body's rows in the stack, typed markers only (the untyped row is all zeros)
    used = np.empty((n_body, n_markers), dtype=np.int64)
    n_used = np.zeros(n_body, dtype=np.int64)
    for i in range(n_body):
        for m in range(n_markers):
            r = rows[i, m]
            if r != offsets[m + 1] - offsets[m] - 1:
                used[i, n_used[i]] = offsets[m] + r
                n_used[i] += 1
    for t in range(tiles):
        table = stack[t]
        for i in range(n_body):
            o = out[t, i]
            s = sex[t, rows[i, n_markers]]
            for j in range(width):
                o[j] = s[j]
            for q in range(n_used[i]):
                add = table[used[i, q]]
                for j in range(width):
                    o[j] += add[j]
            if k == 0:
                continue
            b = best[i]
            for j in range(width):
                x = o[j]
                if x > b[k - 1]:
                    p = k - 1
                    while p > 0 and b[p - 1] < x:
                        b[p] = b[p - 1]
                        p -= 1
                    b[p] = x


@compiled
def _grow(buf: NDArray[np.int64], used: int) -> NDArray[np.int64]:
    """``buf`` with twice the room when ``used`` fills it."""
    if used < buf.shape[0]:
        return buf
    bigger = np.empty((2 * buf.shape[0] + 16, 2), dtype=np.int64)
    bigger[:used] = buf[:used]
    return bigger


@compiled
def select_candidates(
    acc: NDArray[np.float32],
    n_columns: int,
    kth: NDArray[np.float32],
    tie_cap: int,
    cut: np.float32,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per body of the tiled sums ``acc`` ``(tiles, bodies, TILE)`` (columns past
    ``n_columns`` are padding): the columns that certainly hold the body's best exact values,
    and every column ``>= cut``, as ``(body, column)`` pairs.

    With ``v = kth[i]`` the body's ``k``-th largest sum and ``d = 1e-3 + 1e-5 |v|`` the
    float32 error bound, a column is a candidate when its sum is ``>= v - d`` and not
    ``-inf``; of the near-ties in ``[v - d, v + d]`` only the first ``tie_cap`` columns (the
    lowest indices). Returns the candidates and the threshold pairs, both ``(count, 2)``."""
    tiles, n_body, width = acc.shape
    found = np.empty((n_body * 8 + 16, 2), dtype=np.int64)
    n_found = 0
    pairs = np.empty((64, 2), dtype=np.int64)
    n_pairs = 0
    for i in range(n_body):
        v = np.float64(kth[i])
        margin = 1e-3 + 1e-5 * abs(v) if np.isfinite(v) else 1e-3
        lo = np.float32(v - margin)
        hi = np.float32(v + margin)
        gate = min(lo, cut)
        band = 0
        for t in range(tiles):
            o = acc[t, i]
            for j in range(min(width, n_columns - t * width)):
                x = o[j]
                if x < gate or (x == -np.inf and cut > -np.inf):
                    continue
                if x >= cut:
                    pairs = _grow(pairs, n_pairs)
                    pairs[n_pairs, 0] = i
                    pairs[n_pairs, 1] = t * width + j
                    n_pairs += 1
                if x >= lo and x > -np.inf:
                    if x <= hi:
                        band += 1
                        if band > tie_cap:
                            continue
                    found = _grow(found, n_found)
                    found[n_found, 0] = i
                    found[n_found, 1] = t * width + j
                    n_found += 1
    return found[:n_found].copy(), pairs[:n_pairs].copy()


@compiled
def spread_float32(
    rows: NDArray[np.float64], column: NDArray[np.int64], out: NDArray[np.float32], first: int
) -> None:
    """Distinct table rows (one per distinct family datum, ``(U, k)``) spread in float32 to
    the columns that share them, in the tiled layout: ``out[t, first + r, j] =
    rows[column[t * TILE + j], r]`` for ``r < k``, and a last row of zeros (the untyped one)
    at ``first + k``. Padding columns of the last tile get zeros."""
    k = rows.shape[1]
    tiles, _, width = out.shape
    n_col = column.shape[0]
    for t in range(tiles):
        tile = out[t]
        for j0 in range(0, width, 8):  # 8 source rows stay in L1 while 8 columns are written
            for r in range(k):
                for j in range(j0, j0 + 8):
                    c = t * width + j
                    tile[first + r, j] = np.float32(rows[column[c], r]) if c < n_col else 0.0
            for j in range(j0, j0 + 8):
                tile[first + k, j] = 0.0


@compiled
def log_ratios(
    post: NDArray[np.float64],
    one: NDArray[np.float64],
    log_hw: NDArray[np.float64],
    log_carrier: NDArray[np.float64],
    out: NDArray[np.float64],
) -> None:
    """Log LR rows ``out`` ``(F, n(n+1)/2 + n)``: ``log post[f, g] - log_hw[g]`` then ``log
    one[f, a] - log_carrier[a]`` (``-inf`` where the probability is 0), one pass without
    temporaries (NumPy's vector log is slow on the tiny probabilities these rows hold)."""
    n_fam, ng = post.shape
    n = one.shape[1]
    for f in range(n_fam):
        for g in range(ng):
            x = post[f, g]
            out[f, g] = (np.log(x) if x > 0 else -np.inf) - log_hw[g]
        for a in range(n):
            x = one[f, a]
            out[f, ng + a] = (np.log(x) if x > 0 else -np.inf) - log_carrier[a]
