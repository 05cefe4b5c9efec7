"""Frame-time sanity checks: each kind of broken time is named, sound times pass."""

import numpy as np
import pytest

from vidfp.decode.probe import ContainerInfo
from vidfp.decode.timestamps import count_problem, derived_times, time_problem

INFO = ContainerInfo(format_name="avi", duration_s=4.0, start_s=0.0, n_frames=100, avg_fps=25.0)
GOOD = np.arange(100) / 25.0


@pytest.mark.parametrize(
    "times,reason",
    [
        (np.full(100, -3.6893487e17), "negative"),  # decord on MPEG-4 B-frames in AVI: AV_NOPTS_VALUE · time_base
        (np.r_[np.full(34, -3.6893487e17), GOOD[34:]], "negative"),
        (np.r_[GOOD[:99], 3.8e17], "beyond"),
        (np.r_[GOOD[:50], np.nan, GOOD[51:]], "missing"),
        (np.r_[GOOD[:50], GOOD[49], GOOD[51:]], "repeated"),
        (np.r_[GOOD[:50], GOOD[48], GOOD[51:]], "non-monotonic"),
        (np.zeros(0), "no frame times"),
    ],
)
def test_broken_times_are_named(times, reason):
    assert reason in time_problem(times, INFO)


def test_sound_times_pass_including_offsets_and_vfr():
    assert time_problem(GOOD, INFO) is None
    ts = ContainerInfo(format_name="mpegts", duration_s=2.0, start_s=1.4)
    assert time_problem(1.4 + np.arange(60) / 30.0, ts) is None  # TS clocks start late
    assert time_problem(np.arange(60) / 30.0, ts) is None  # decord counts from 0
    vfr = np.cumsum(np.r_[0, np.random.default_rng(0).uniform(0.01, 0.3, 30)])
    assert time_problem(vfr, ContainerInfo(duration_s=float(vfr[-1]) + 0.1)) is None
    # no duration known: only absurd values fail
    assert time_problem(GOOD, ContainerInfo()) is None
    assert "negative" in time_problem(GOOD - 1e14, ContainerInfo())


def test_frame_count_against_the_container():
    assert count_problem(100, INFO) is None
    assert count_problem(102, INFO) is None  # a leading/trailing packet counted differently
    assert "574 frames where the container has 287" in count_problem(574, ContainerInfo(n_frames=287))
    assert count_problem(574, ContainerInfo()) is None  # the format stores no count


def test_derived_times():
    np.testing.assert_allclose(derived_times(4, 25.0), [0, 0.04, 0.08, 0.12])
    np.testing.assert_allclose(derived_times(3, 0.0), [0, 0.04, 0.08])  # unknown rate: 25 fps
