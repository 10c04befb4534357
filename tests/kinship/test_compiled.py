"""The compiled screening loops against plain NumPy: bitwise equal sums, the same candidates."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from exhume.kinship._compiled import (
    TILE,
    accumulate,
    compiled,
    n_tiles,
    select_candidates,
    spread_float32,
)
from exhume.kinship.screeningtables import tiled

F32 = NDArray[np.float32]


def _random_tables(rng: np.random.Generator, n_col: int, sizes: list[int]) -> tuple[list[F32], F32]:
    """Per-marker float32 tables whose last (untyped) row is zero, and a sex table with
    ``-inf`` cells; values rounded to quarters half of the time so that sums tie exactly."""
    tables = []
    for size in sizes:
        t = (rng.standard_normal((size, n_col)) * 3).astype(np.float32)
        if rng.random() < 0.5:
            t = (np.round(t * 4) / 4).astype(np.float32)
        t[rng.random((size, n_col)) < 0.05] = -np.inf
        t[-1] = 0.0
        tables.append(t)
    sex = np.where(rng.random((3, n_col)) < 0.2, -np.inf, 0.0).astype(np.float32)
    sex[0] = 0.0
    return tables, sex


def _numpy_sums(tables: list[F32], sex: F32, rows: NDArray[np.int64]) -> F32:
    """What screening computed with NumPy: the sex row plus each typed marker's row, marker by
    marker in float32 (untyped markers skipped)."""
    out = np.empty((rows.shape[0], sex.shape[1]), dtype=np.float32)
    for i, r in enumerate(rows):
        terms = [t[r[m]] for m, t in enumerate(tables) if r[m] != t.shape[0] - 1]
        out[i] = sex[r[-1]]
        for term in terms:
            np.add(out[i], term, out=out[i])
    return out


def _stacked(tables: list[F32]) -> tuple[F32, NDArray[np.int64]]:
    offsets = np.concatenate([[0], np.cumsum([t.shape[0] for t in tables])]).astype(np.int64)
    return np.concatenate([tiled(t, 0.0) for t in tables], axis=1), offsets


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_col=st.integers(1, 3 * TILE + 7),
    n_body=st.integers(1, 40),
    top=st.integers(0, 9),
)
def test_compiled_sums_equal_numpy_row_additions_bit_for_bit(
    seed: int, n_col: int, n_body: int, top: int
) -> None:
    rng = np.random.default_rng(seed)
    sizes = [int(s) for s in rng.integers(2, 12, size=int(rng.integers(1, 6)))]
    tables, sex = _random_tables(rng, n_col, sizes)
    rows = np.stack([rng.integers(0, s, size=n_body) for s in sizes]
                    + [rng.integers(0, 3, size=n_body)], axis=1).astype(np.int64)  # fmt: skip
    stack, offsets = _stacked(tables)
    acc = np.empty((n_tiles(n_col), n_body, TILE), dtype=np.float32)
    k = min(top, n_col)
    best = np.empty((n_body, k), dtype=np.float32)
    accumulate(stack, offsets, tiled(sex, -np.inf), rows, acc, best)
    got = acc.transpose(1, 0, 2).reshape(n_body, -1)[:, :n_col]
    want = _numpy_sums(tables, sex, rows)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(best, -np.sort(-want, axis=1)[:, :k])


def _reference_candidates(
    acc: F32, kth: F32, tie_cap: int, cut: np.float32
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The candidate rule written out with NumPy, one row at a time."""
    found, pairs = set(), set()
    for i, row in enumerate(acc):
        v = float(kth[i])
        margin = 1e-3 + 1e-5 * abs(v) if np.isfinite(v) else 1e-3
        lo, hi = np.float32(v - margin), np.float32(v + margin)
        pairs |= {(i, int(j)) for j in np.flatnonzero(row >= cut)}
        above = np.flatnonzero((row >= lo) & (row > -np.inf) & (row > hi))
        band = np.flatnonzero((row >= lo) & (row > -np.inf) & (row <= hi))[:tie_cap]
        found |= {(i, int(j)) for j in np.concatenate([above, band])}
    return found, pairs


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_col=st.integers(1, 2 * TILE + 3),
    top=st.integers(1, 8),
    tie_cap=st.integers(1, 70),
    cut=st.sampled_from([-np.inf, 0.0, 2.5, 40.0]),
)
def test_compiled_candidates_follow_the_rule_written_in_numpy(
    seed: int, n_col: int, top: int, tie_cap: int, cut: float
) -> None:
    rng = np.random.default_rng(seed)
    acc = (rng.standard_normal((6, n_col)) * 4).astype(np.float32)
    acc[1::2] = np.round(acc[1::2])  # many exact ties
    acc[:, rng.random(n_col) < 0.3] = -np.inf
    acc[5] = 0.0  # a degraded body: every family ties at LR = 1
    k = min(top, n_col)
    kth = -np.sort(-acc, axis=1)[:, k - 1]
    padded = tiled(acc, -np.inf)
    found, pairs = select_candidates(padded, n_col, kth, tie_cap, np.float32(cut))
    want_found, want_pairs = _reference_candidates(acc, kth, tie_cap, np.float32(cut))
    assert {tuple(p) for p in found.tolist()} == want_found
    assert {tuple(p) for p in pairs.tolist()} == want_pairs
    assert len(found) == len(want_found) and len(pairs) == len(want_pairs)


@pytest.mark.parametrize("n_col", [1, TILE, TILE + 1, 3 * TILE - 5])
def test_spread_rows_are_the_distinct_rows_of_each_column_in_float32(n_col: int) -> None:
    rng = np.random.default_rng(n_col)
    rows = rng.standard_normal((17, 9))
    column = rng.integers(0, 17, size=n_col)
    out = np.full((n_tiles(n_col), 14, TILE), np.nan, dtype=np.float32)
    spread_float32(rows, column, out, 3)
    whole = out.transpose(1, 0, 2).reshape(14, -1)
    np.testing.assert_array_equal(whole[3:12, :n_col], rows[column].T.astype(np.float32))
    assert not whole[12, :].any()
    assert not whole[3:13, n_col:].any()
    assert np.isnan(whole[:3]).all() and np.isnan(whole[13:]).all()


def test_a_function_without_a_place_to_cache_is_compiled_in_memory() -> None:
    """A hardened service (read-only code, no home folder) gives Numba nowhere to write its
    cache; a function whose source file does not exist is the same case."""
    namespace: dict[str, object] = {}
    exec("def add_one(x):\n    return x + 1\n", namespace)  # source file "<string>"
    with pytest.raises(RuntimeError, match="no locator"):
        numba.njit(cache=True)(namespace["add_one"])
    fast = compiled(namespace["add_one"])
    assert fast(41) == 42
