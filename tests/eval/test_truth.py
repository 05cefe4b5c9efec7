"""A truth file that is missing, not JSON or in another layout gives one clear line, not a traceback."""

import json

import duckdb
import pytest

from vidfp.cli import main
from vidfp.eval.report import evaluate_catalog
from vidfp.eval.truth import TruthFileError, load_truth

GOOD = {
    "groups": {"g": ["a.mp4", "b.mp4"]},
    "hard_negative_pairs": [["a.mp4", "c.mp4"]],
    "segments": [{"a": "a.mp4", "b": "b.mp4", "a_start_s": 0, "a_end_s": 2.5, "b_start_s": 1, "b_end_s": 3.5}],
    "broken": {"x.mp4": "empty"},
}

BAD = {
    "groups_as_list": ({"groups": [["a.mp4", "b.mp4"]]}, '"groups" must map'),
    "top_level_list": ([["a.mp4", "b.mp4"]], "top level is a JSON list"),
    "no_groups": ({"pairs": []}, 'no "groups" field'),
    "pair_of_three": ({"groups": {}, "hard_negative_pairs": [["a", "b", "c"]]}, '"hard_negative_pairs"'),
    "segment_without_times": ({"groups": {}, "segments": [{"a": "a", "b": "b"}]}, "segment 0"),
    "segment_bool_time": ({"groups": {}, "segments": [dict(GOOD["segments"][0], a_end_s=True)]}, "segment 0"),
    "broken_as_list": ({"groups": {}, "broken": ["x.mp4"]}, '"broken"'),
}


def _write(tmp_path, obj, name="truth.json"):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return str(p)


def test_good_truth_loads_and_fills_defaults(tmp_path):
    assert load_truth(_write(tmp_path, GOOD)) == GOOD
    t = load_truth(_write(tmp_path, {"groups": {"g": ["a.mp4"]}}))
    assert t["hard_negative_pairs"] == [] and t["segments"] == [] and t["broken"] == {}


@pytest.mark.parametrize("name", sorted(BAD))
def test_wrong_layout_raises_truth_file_error(tmp_path, name):
    obj, msg = BAD[name]
    path = _write(tmp_path, obj)
    with pytest.raises(TruthFileError, match=msg) as e:
        load_truth(path)
    assert path in str(e.value) and "\n" not in str(e.value)


def test_missing_and_non_json_files(tmp_path):
    with pytest.raises(TruthFileError, match="cannot read truth file"):
        load_truth(str(tmp_path / "nope.json"))
    with pytest.raises(TruthFileError, match="is not JSON"):
        load_truth(_write(tmp_path, "query_id,ref_id\nQ1,R1\n", "truth.csv"))
    assert issubclass(TruthFileError, ValueError)


def test_evaluate_catalog_checks_truth_before_the_catalog(tmp_path):
    with pytest.raises(TruthFileError):
        evaluate_catalog(_write(tmp_path, BAD["groups_as_list"][0]), str(tmp_path / "none.duckdb"))


@pytest.mark.parametrize("obj", [BAD["groups_as_list"][0], "{not json"])
def test_cli_eval_prints_one_line_and_exits_1(tmp_path, capsys, obj):
    db = tmp_path / "c.duckdb"
    duckdb.connect(str(db)).close()
    rc = main(["eval", "--truth", _write(tmp_path, obj), "--db", str(db)])
    out, err = capsys.readouterr()
    assert rc == 1 and out == ""
    assert err.startswith("vidfp: error: truth file ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_cli_eval_missing_truth_file(tmp_path, capsys):
    duckdb.connect(str(tmp_path / "c.duckdb")).close()
    assert main(["eval", "--truth", str(tmp_path / "missing.json"), "--db", str(tmp_path / "c.duckdb")]) == 1
    assert capsys.readouterr().err.startswith("vidfp: error: cannot read truth file ")
