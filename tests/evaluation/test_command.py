import json
import math
from io import StringIO

import numpy as np
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


# ------------------------------------------------------------------------------ as R's did, csdid and Stata write panels


def test_zero_in_the_first_treated_column_means_never_treated(tmp_path, panel_file):
    """R's did, csdid and Stata write 0 for never treated: not a period before the data."""
    frame = staggered_panel().drop(columns="treat")
    frame["first"] = frame["first"].fillna(0).astype(int)
    path = tmp_path / "zeros.csv"
    frame.to_csv(path, index=False)
    with_zeros = json.loads(run(str(path), *COLUMNS, "--json"))
    with_blanks = json.loads(run(str(panel_file), *COLUMNS, "--json"))
    assert with_zeros["method"] == "staggered"
    assert with_zeros["estimate"] == pytest.approx(with_blanks["estimate"], rel=1e-9)
    assert any("0 in column 'first' count as never treated" in w for w in with_zeros["warnings"])
    assert "0 for never treated" in " ".join(CommandHelp.text())


class CommandHelp:
    @staticmethod
    def text() -> list[str]:
        from evaluation.management.commands.evaluate_panel import Command

        parser = Command().create_parser("manage.py", "evaluate_panel")
        return parser.format_help().split()


def test_an_outcome_already_in_logs_reads_as_exp_minus_one(tmp_path):
    frame = staggered_panel(effect=-0.2).drop(columns="treat")
    frame["y"] = (frame["y"] - 5) / 10  # small fractional values, some below 0: logs
    path = tmp_path / "logs.csv"
    frame.to_csv(path, index=False)
    plain = json.loads(run(str(path), *COLUMNS, "--json"))
    assert any("--outcome-is-log" in w for w in plain["warnings"])
    logged = json.loads(run(str(path), *COLUMNS, "--outcome-is-log", "--json"))
    assert logged["estimate"] == pytest.approx(plain["estimate"], rel=1e-9)
    assert logged["relative"] == pytest.approx(math.expm1(logged["estimate"]), rel=1e-9)
    assert logged["scale"] == "log"
    assert not any("--outcome-is-log" in w for w in logged["warnings"])
    with pytest.raises(CommandError):
        run(str(path), *COLUMNS, "--outcome-is-log", "--log-outcome")


def test_the_text_names_the_headline_the_periods_and_both_pretrend_tests(tmp_path):
    # enough units for every pre-period cell to be tested (R's did refuses a singular one too)
    panel_file = tmp_path / "large.csv"
    staggered_panel(units=200, never=50).drop(columns="treat").to_csv(panel_file, index=False)
    text = run(str(panel_file), *COLUMNS)
    assert "Headline: the simple overall ATT" in text
    assert "not the dynamic" in text
    assert "Periods averaged: 13 to 36" in text
    assert "Pre-trend test, nearest periods before the start: p = " in text
    assert "every group-time effect before its start (as R's did and csdid print): p = " in text
    result = json.loads(run(str(panel_file), *COLUMNS, "--json"))
    assert 0 < result["details"]["pretrend_all_p"] < 1
    # 3 cohorts, each with a group-time effect in every period before its start but the first
    assert result["details"]["pretrend_all_df"] == (13 - 2) + (19 - 2) + (25 - 2)


def test_the_synthetic_controls_text_lists_the_donor_weights(tmp_path):
    frame = staggered_panel(cohorts=(np.nan,), never=39).drop(columns="treat")
    frame.loc[frame["unit"] == "u00", "first"] = 25
    path = tmp_path / "one.csv"
    frame.to_csv(path, index=False)
    text = run(str(path), *COLUMNS, "--method", "synth")
    assert "Headline: the mean gap between the treated unit and its synthetic control" in text
    assert "Periods averaged: 25 to 36" in text
    weights = text.split("Donor weights: ")[1].splitlines()[0]
    assert weights.startswith("u") and float(weights.split(", ")[0].split(" ")[1]) > 0


def test_zeros_and_blanks_together_both_mean_never_treated(tmp_path, panel_file):
    frame = staggered_panel().drop(columns="treat")
    never = frame["first"].isna()
    frame["first"] = frame["first"].astype("Int64").astype(str).replace("<NA>", "")
    frame.loc[never & (frame["unit"] < "u35"), "first"] = "0"
    path = tmp_path / "mixed.csv"
    frame.to_csv(path, index=False)
    mixed = json.loads(run(str(path), *COLUMNS, "--json"))
    blanks = json.loads(run(str(panel_file), *COLUMNS, "--json"))
    assert mixed["estimate"] == pytest.approx(blanks["estimate"], rel=1e-9)


def test_an_outcome_named_as_a_log_is_warned_about_though_all_positive(tmp_path):
    frame = staggered_panel().drop(columns="treat").rename(columns={"y": "lemp"})
    frame["lemp"] = frame["lemp"] / 2 + 2  # positive logs, as did's own example data
    path = tmp_path / "lemp.csv"
    frame.to_csv(path, index=False)
    columns = [*COLUMNS[:4], "--outcome", "lemp", *COLUMNS[6:]]
    result = json.loads(run(str(path), *columns, "--json"))
    assert any("--outcome-is-log" in w for w in result["warnings"])
