"""Scale-out gives the same answer: serial screening == screening on a 2-worker Dask cluster."""

from __future__ import annotations

import numpy as np

from exhume.kinship.parallel import DaskExecutor, dask_client
from exhume.kinship.screening import ScreeningParams, screen
from exhume.kinship.simulate import simulate_scenario


def test_screening_on_a_dask_cluster_equals_serial_screening() -> None:
    scenario, _ = simulate_scenario(200, 20, 0.5, seed=5, n_markers=5)
    fam = scenario.family_data()
    params = ScreeningParams(top=3, threshold=100.0, min_blocks=2)
    serial = screen(fam, scenario.remains_genotypes, scenario.remains_sex, params)
    seen: list[int] = []
    with dask_client("local", n_workers=2, processes=False) as client:
        parallel = screen(
            fam,
            scenario.remains_genotypes,
            scenario.remains_sex,
            params,
            executor=DaskExecutor(client),
            progress=seen.append,
        )
    assert seen == [20, 20]  # two blocks, each reporting every body
    np.testing.assert_array_equal(serial.top_family, parallel.top_family)
    np.testing.assert_array_equal(serial.top_log_lr, parallel.top_log_lr)
    np.testing.assert_array_equal(serial.top_exclusions, parallel.top_exclusions)
    np.testing.assert_array_equal(serial.pair_body, parallel.pair_body)
    np.testing.assert_array_equal(serial.pair_family, parallel.pair_family)
    np.testing.assert_array_equal(serial.pair_log_lr, parallel.pair_log_lr)
    assert serial.skipped == parallel.skipped
