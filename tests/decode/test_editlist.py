"""MOV/MP4 edit lists: trivial ones (B-frame delay, empty lead-in) keep decord; cuts are found, with
exactly the frame count libavformat presents."""

import pytest

from tests.decode.quirk_media import raw_packet_count, reference, set_edit_list, write
from vidfp.decode.editlist import probe_edit_list
from vidfp.decode.probe import probe


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    d = tmp_path_factory.mktemp("elst")
    return {
        "plain": write(d / "plain.mov", "libx264", 75, 25, options={"g": "10", "crf": "10", "bf": "0"}),
        "bframes": write(d / "bf.mp4", "libx264", 75, 25, options={"g": "12", "crf": "10"}),
    }


def test_ffmpeg_written_edit_lists_are_trivial(raw):
    # x264 with B-frames: ffmpeg writes one edit that skips the composition delay
    assert probe_edit_list(str(raw["bframes"])) is None
    assert probe_edit_list(str(raw["plain"])) is None
    assert probe(str(raw["bframes"])).edit_list is None


@pytest.mark.parametrize(
    "src,edits,segments",
    [
        ("plain", [(0.0, 1.0), (1.88, 1.0)], 2),  # the middle cut out
        ("plain", [(1.0, 1.0)], 1),  # head and tail trimmed
        ("bframes", [(1.08, 1.5)], 1),  # trimmed, with ctts offsets
        ("plain", [(2.0, 0.8), (0.0, 0.8)], 2),  # reordered
    ],
)
def test_cuts_are_found_with_the_presented_count(raw, tmp_path, src, edits, segments):
    p = set_edit_list(raw[src], tmp_path / f"cut{raw[src].suffix}", edits)
    presented = len(reference(p)[0])
    assert presented != raw_packet_count(p)
    note = probe_edit_list(str(p))
    assert note == f"edit list ({segments} segment{'s' * (segments > 1)}) presents {presented} of 75 frames"


def test_empty_lead_in_edit_is_trivial(raw, tmp_path):
    p = set_edit_list(raw["plain"], tmp_path / "lead.mov", [(None, 0.5), (0.0, 3.0)])  # a pause, then everything
    t, _ = reference(p)
    assert len(t) == 75 and abs(t[0] - 0.5) < 1e-6  # libavformat: all frames, delayed
    assert probe_edit_list(str(p)) is None


def test_non_mp4_and_garbage_are_not_edit_lists(tmp_path):
    avi = write(tmp_path / "a.avi", "mpeg4", 10, 25)
    assert probe_edit_list(str(avi)) is None
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x10moov" + b"\xff" * 100)
    assert probe_edit_list(str(junk)) is None
    assert probe_edit_list(str(tmp_path / "missing.mp4")) is None
