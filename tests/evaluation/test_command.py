import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.evaluation.simulate import its_series, staggered_panel


@pytest.fixture
def panel_file(tmp_path):
    path = tmp_path / "panel.csv"
    staggered_panel().drop(columns="treat").to_csv(path, index=False)
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_panel", *args, stdout=out)
    return out.getvalue()


COLUMNS = ["--unit", "unit", "--time", "period", "--outcome", "y", "--treated-from", "first"]


def test_json_output_has_the_fields_the_issue_names(panel_file):
    result = json.loads(run(str(panel_file), *COLUMNS, "--method", "twfe", "--json"))
    for key in (
        "method",
        "estimate",
        "std_error",
        "ci_low",
        "ci_high",
        "n_obs",
        "n_units",
        "warnings",
    ):
        assert key in result
    assert result["method"] == "twfe"
    assert result["n_units"] == 40 and result["n_obs"] == 40 * 36
    assert result["ci_low"] < -1.5 < result["ci_high"]


def test_without_a_method_the_design_chooses_staggered(panel_file):
    result = json.loads(run(str(panel_file), *COLUMNS, "--json"))
    assert result["method"] == "staggered"


def test_text_output_names_the_method_and_the_interval(panel_file):
    text = run(str(panel_file), *COLUMNS, "--method", "event-study")
    assert text.startswith("Method: Event study (leads and lags)")
    assert "95% CI:" in text


def test_its_with_weights_and_log_options_runs(tmp_path):
    path = tmp_path / "city.csv"
    frame = its_series()
    frame["population"] = 100_000
    frame.to_csv(path, index=False)
    result = json.loads(
        run(
            str(path),
            "--unit",
            "unit",
            "--time",
            "month",
            "--outcome",
            "shot",
            "--treated-from",
            "start",
            "--weights",
            "population",
            "--log-outcome",
            "--method",
            "its",
            "--json",
        )
    )
    assert result["method"] == "its" and result["ci_high"] < 1
    assert any("Weights are not used" in w for w in result["warnings"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("unit,period,y\na,1,2\n", "Column 'first' is not in the file"),
        ("", "The file is empty"),
        ("unit,period,y,first\na,1,x,\n", "is not a number"),
    ],
)
def test_a_bad_file_gives_a_clear_error_and_no_traceback(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), *COLUMNS)


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        run(str(tmp_path / "nowhere.csv"), *COLUMNS)


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    finished = subprocess.run(
        [sys.executable, "manage.py", "evaluate_panel", str(path), *COLUMNS],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr
    assert "is not in the file" in finished.stderr


@pytest.mark.parametrize("method", ["twfe", "event-study"])
def test_a_design_with_everyone_treated_at_once_is_refused_with_a_reason(tmp_path, method):
    path = tmp_path / "all.csv"
    staggered_panel(cohorts=(13,), never=0).drop(columns="treat").to_csv(path, index=False)
    with pytest.raises(CommandError, match="collinear with the period effects"):
        run(str(path), *COLUMNS, "--method", method)


def test_a_non_identified_design_exits_non_zero_from_the_shell_with_the_sentence(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "all.csv"
    staggered_panel(cohorts=(13,), never=0).drop(columns="treat").to_csv(path, index=False)
    finished = subprocess.run(
        [sys.executable, "manage.py", "evaluate_panel", str(path), *COLUMNS, "--method", "twfe"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr
    assert "no unit was never treated" in finished.stderr


def test_log_outcome_is_refused_when_the_outcome_has_zeros(tmp_path):
    path = tmp_path / "zeros.csv"
    frame = staggered_panel().drop(columns="treat")
    frame["y"] = frame["y"].clip(lower=0).round()
    frame.loc[0, "y"] = 0
    frame.to_csv(path, index=False)
    with pytest.raises(CommandError, match=r"cannot be logged.*count model"):
        run(str(path), *COLUMNS, "--log-outcome")
    assert "Method:" in run(str(path), *COLUMNS)  # without the option it runs
