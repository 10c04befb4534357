"""Kill -9 at random points during a release and a key rotation (real processes): the database
is as before or as after, and running the command again succeeds and verifies clean."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SETUP = """
from exhume.cli.base import setup_django
setup_django(migrate=True)
import datetime as dt
from exhume.audit.events import Actor
from exhume.casework.actions import do_create_site, do_record_remains
actor = Actor("field-team-1", "field")
site = do_create_site(actor, slug="kamianka", name="Kamianka", place="Kamianka, Ukraine")
for n in range(40):
    do_record_remains(actor, site=site, case_number=f"K-{n}", exhumed_on=dt.date(2022, 9, 16),
                      sex="female" if n % 2 else "male")
"""
STATE = """
from exhume.cli.base import setup_django
setup_django()
from exhume.audit.models import LogEntry, SigningKey
from exhume.publication.models import Release
print(LogEntry.objects.count(), Release.objects.count(), SigningKey.objects.count())
"""


@pytest.fixture
def data(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXHUME_")}
    env.update(
        EXHUME_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="exhume.project.settings",
        EXHUME_SECRET_KEY="crash-test-" + "x" * 40,
    )
    python(env, SETUP)
    return env


def python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def exhume(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from exhume.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def state(env: dict[str, str]) -> tuple[int, int, int]:
    entries, releases, keys = (int(x) for x in python(env, STATE).split())
    return entries, releases, keys


def kill_during(env: dict[str, str], delay: float, *args: str) -> None:
    command = [sys.executable, "-c", "from exhume.cli import main; main()", *args]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(delay)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def timed(env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    done = exhume(env, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - started


def assert_clean(env: dict[str, str]) -> None:
    verified = exhume(env, "verify", "--db")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for folder in sorted(Path(env["EXHUME_DATA_DIR"], "releases").glob("*/*")):
        offline = exhume(env, "verify", str(folder))
        assert offline.returncode == 0, offline.stdout + offline.stderr


def test_a_release_killed_at_random_points_leaves_before_or_after_and_reruns(
    data: dict[str, str],
) -> None:
    rng = random.Random(int(os.environ.get("EXHUME_CRASH_SEED", "14")))
    took = timed(data, "release", "--site", "kamianka")  # the first release, and its duration
    for _ in range(4):
        before = state(data)
        kill_during(data, rng.uniform(0.3, 1.0) * took, "release", "--site", "kamianka")
        after = state(data)
        assert after in {before, (before[0] + 1, before[1] + 1, before[2])}
        rerun = exhume(data, "release", "--site", "kamianka")
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert_clean(data)
    partial = list(Path(data["EXHUME_DATA_DIR"], "releases").glob("*/.*"))
    assert partial == []


def test_a_key_rotation_killed_at_random_points_leaves_before_or_after_and_reruns(
    data: dict[str, str],
) -> None:
    rng = random.Random(int(os.environ.get("EXHUME_CRASH_SEED", "14")))
    timed(data, "release", "--site", "kamianka")
    took = timed(data, "keys", "rotate")
    for _ in range(3):
        before = state(data)
        kill_during(data, rng.uniform(0.3, 1.0) * took, "keys", "rotate")
        after = state(data)
        assert after in {before, (before[0] + 1, before[1], before[2] + 1)}
        rerun = exhume(data, "keys", "rotate")
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        released = exhume(data, "release", "--site", "kamianka")  # signs with the newest key
        assert released.returncode == 0, released.stdout + released.stderr
        assert_clean(data)
