"""Text keys found again among many, block after block of a large file.

A hash table of every earlier key, built again for each block (as Arrow's `index_in` does),
costs more with every block. `KeyIndex` keeps the keys' 64-bit hashes sorted instead:
finding a block's keys is a binary search each, and adding them one merge. Every match is
checked against the key itself, so two keys that share a hash cost an exact search (what
every block cost before), never a wrong answer; FNV-1a is not made to resist collisions
built on purpose, and needs not be.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FNV_OFFSET, FNV_PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)


def key_hashes(keys: pa.Array) -> np.ndarray:
    """A 64-bit hash (FNV-1a, with the length mixed in) of each key's UTF-8 bytes; the same
    key always hashes alike, whatever the keys beside it. `keys`: strings, none missing.
    Computed a byte position at a time over the keys still that long (longest first), so it
    costs the keys' total length, not their number times the longest."""
    keys = keys.cast(pa.string())
    _, offsets_buffer, data_buffer = keys.buffers()
    offsets = np.frombuffer(
        offsets_buffer, dtype=np.int32, count=len(keys) + 1, offset=keys.offset * 4
    )
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(1, np.uint8)
    lengths = np.diff(offsets)
    order = np.argsort(-lengths, kind="stable")  # longest first
    starts, by_length = offsets[:-1][order].astype(np.int64), lengths[order]
    hashes = FNV_OFFSET ^ by_length.astype(np.uint64)
    # how many keys are longer than each position (a prefix of `order`)
    longer = np.searchsorted(-by_length, -np.arange(int(by_length.max(initial=0))), side="left")
    for position, count in enumerate(longer.tolist()):
        byte = data[starts[:count] + position].astype(np.uint64)
        hashes[:count] = (hashes[:count] ^ byte) * FNV_PRIME
    result = np.empty_like(hashes)
    result[order] = hashes
    return result


class KeyIndex:
    """Distinct keys, numbered in the order they were added, found again by their hashes
    kept sorted (see the module's docstring)."""

    def __init__(self) -> None:
        self._chunks: list[pa.Array] = []
        self._count = 0
        self._hashes = np.zeros(0, dtype=np.uint64)  # sorted
        self._numbers = np.zeros(0, dtype=np.int64)  # the key's number, in hash order

    def __len__(self) -> int:
        return self._count

    def find(self, keys: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """The number of each key (strings, none missing), or -1 for a key not added; and
        the keys' hashes, for `add`."""
        hashes = key_hashes(keys)
        found = np.full(len(keys), -1, dtype=np.int64)
        if not self._count or not len(keys):
            return found, hashes
        at = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        hit = self._hashes[at] == hashes
        if not hit.any():
            return found, hashes
        found[hit] = self._numbers[at[hit]]
        earlier = pa.chunked_array(self._chunks, pa.string()).take(pa.array(found[hit]))
        if not pc.all(pc.equal(earlier, keys.cast(pa.string()).filter(pa.array(hit)))).as_py():
            # two keys share a hash: look them up exactly
            exact = pc.index_in(keys, value_set=pa.concat_arrays(self._chunks)).fill_null(-1)
            return exact.to_numpy(zero_copy_only=False).astype(np.int64), hashes
        return found, hashes

    def add(self, keys: pa.Array, hashes: np.ndarray | None = None) -> None:
        """Number new keys (distinct, none added before) after those there are; `hashes`
        are theirs when `find` gave them already."""
        keys = keys.cast(pa.string())
        hashes = key_hashes(keys) if hashes is None else hashes
        order = np.argsort(hashes, kind="stable")
        at = np.searchsorted(self._hashes, hashes[order])
        self._hashes = np.insert(self._hashes, at, hashes[order])
        self._numbers = np.insert(self._numbers, at, self._count + order)
        self._chunks.append(keys)
        self._count += len(keys)
