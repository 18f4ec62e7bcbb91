"""Victims numbered within their incident across the blocks of a file: the incidents seen in
earlier blocks are found by their keys' hashes (ovp.core.keys.KeyIndex), checked against the
keys themselves."""

from collections import Counter

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovp.core import keys as key_index
from ovp.core.keys import FNV_OFFSET, FNV_PRIME, KeyIndex, key_hashes
from ovp.incidents.importing import ImportState, normalizing

KEYS = st.lists(
    st.text(alphabet="ab7#é ", min_size=1, max_size=6), min_size=0, max_size=60
)  # few letters: keys repeat, within blocks and across them


def numbered_in_blocks(keys: list[str], sizes: list[int]) -> tuple[list[int], int]:
    state = ImportState()
    numbers: list[int] = []
    start = 0
    for size in [*sizes, len(keys)]:
        block = keys[start : start + size]
        start += len(block)
        if block:
            numbers += normalizing.number_within_incidents(pa.array(block), state).tolist()
    return numbers, len(state.incidents)


def numbered_one_by_one(keys: list[str]) -> list[int]:
    seen: Counter[str] = Counter()
    numbers = []
    for key in keys:
        seen[key] += 1
        numbers.append(seen[key])
    return numbers


@settings(max_examples=200, deadline=None)
@given(keys=KEYS, sizes=st.lists(st.integers(min_value=1, max_value=15), max_size=8))
def test_victims_are_numbered_within_their_incident_however_the_file_is_split(keys, sizes):
    numbers, incidents = numbered_in_blocks(keys, sizes)
    assert numbers == numbered_one_by_one(keys)
    assert incidents == len(set(keys))


@settings(max_examples=50, deadline=None)
@given(keys=KEYS, sizes=st.lists(st.integers(min_value=1, max_value=15), max_size=8))
def test_keys_whose_hashes_collide_are_still_told_apart(keys, sizes):
    # every key hashes alike: each match must be checked against the key itself
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(key_index, "key_hashes", lambda keys: np.zeros(len(keys), dtype=np.uint64))
        numbers, incidents = numbered_in_blocks(keys, sizes)
    assert numbers == numbered_one_by_one(keys)
    assert incidents == len(set(keys))


def test_a_key_hashes_alike_wherever_it_sits_in_its_array():
    keys = pa.array(["10", "a1", "1", "", "éé", "10", "100"])
    hashes = key_hashes(keys)
    assert hashes[0] == hashes[5]
    assert len({int(h) for h in hashes}) == 6  # "10", "a1", "1", "", "éé" and "100" differ
    assert (key_hashes(keys.slice(4, 3)) == hashes[4:7]).all()  # an offset into the buffers
    # whatever the lengths of the keys beside it
    assert key_hashes(pa.array(["7"]))[0] == key_hashes(pa.array(["7", "77777"]))[0]
    # and as a plain FNV-1a of its bytes would (the length mixed in first)
    expected = int(FNV_OFFSET) ^ len("éé".encode())
    for byte in "éé".encode():
        expected = ((expected ^ byte) * int(FNV_PRIME)) % 2**64
    assert int(hashes[4]) == expected


def test_the_index_numbers_keys_in_the_order_they_were_added():
    index = KeyIndex()
    assert index.find(pa.array(["x"]))[0].tolist() == [-1]
    index.add(pa.array(["b", "a"]))
    index.add(pa.array(["c"]))
    assert len(index) == 3
    assert index.find(pa.array(["a", "z", "c", "b", "a"]))[0].tolist() == [1, -1, 2, 0, 1]


def test_dates_with_times_are_remembered_by_the_day_not_by_each_time_written():
    from datetime import date

    from ovp.incidents.mapping import PRESETS

    mapping = PRESETS["philadelphia"]
    days = normalizing.Days(mapping.date_format)
    written = [f"2021-08-0{1 + n % 5} {n % 24:02}:{n % 60:02}:{n % 59:02}+00" for n in range(3000)]
    for start in range(0, 3000, 500):  # six blocks
        block = normalizing.coded(
            pa.table({"date_": pa.array(written[start : start + 500])}), "date_", set()
        )
        codes = days.codes(block)
        assert [days.days[code] for code in codes[:3]] == [
            date(2021, 8, 1 + n % 5) for n in range(start, start + 3)
        ]
    assert len(days) == 5  # one form per day, however many times were written
