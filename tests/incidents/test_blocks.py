"""An export read in blocks gives the same victims and the same rejected rows as read whole:
numbering within incidents, the days read once per file, the rejections (first reason
wins) and the fatal flags carry across block boundaries."""

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovp.incidents.importing import ImportState, normalize, read_export_batches
from ovp.incidents.mapping import PRESETS
from tests.builders import nypd_csv, nypd_row

MAPPING = PRESETS["nypd"]
TODAY = date(2025, 6, 30)

ROWS = st.lists(
    st.builds(
        nypd_row,
        key=st.sampled_from(["1", "2", "3", "3.0", " 4 ", "", "k" * 120, "é9"]),
        day=st.sampled_from(["03/01/2024", "03/02/2024 00:00:00", "12/31/2099", "01/01/1850",
                             "99/99/2024", "", "03/01/2024"]),
        fatal=st.sampled_from(["TRUE", "FALSE", "Y", "N", "(null)", "", "maybe"]),
        time=st.sampled_from(["21:15:00", "7:05", "", "25:99"]),
        lat=st.sampled_from(["40.005", "", "north", "0"]),
        precinct=st.sampled_from(["1", "2", "p" * 70]),
    ),
    min_size=1,
    max_size=40,
)  # fmt: skip


def read(rows: list[dict], block_size: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    state = ImportState()
    parts = [
        normalize(table, MAPPING, today=TODAY, state=state)
        for table in read_export_batches(nypd_csv(rows), MAPPING, block_size=block_size)
    ]
    victims = pd.concat([part.victims.astype(object) for part in parts], ignore_index=True)
    rejected = pd.concat([part.rejected for part in parts], ignore_index=True)
    return victims, rejected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, block_size=st.sampled_from([700, 1500, 4000]))
def test_an_export_read_in_blocks_gives_what_it_gives_read_whole(rows, block_size):
    whole_victims, whole_rejected = read(rows, None)
    victims, rejected = read(rows, block_size)
    pd.testing.assert_frame_equal(victims, whole_victims)
    # (the dtype of an empty part of the rejected rows may differ; the rows may not)
    pd.testing.assert_frame_equal(rejected, whole_rejected, check_dtype=False)
