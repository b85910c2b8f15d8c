"""`FirstSeen`, the plan's duplicate detector: a dict's answers in a fraction of its memory."""

from __future__ import annotations

import random

from tray_ext.importer.seen import FirstSeen


def test_answers_like_a_dict_including_growth_past_the_expected_size() -> None:
    rng = random.Random(3)
    digests = [rng.getrandbits(64) for _ in range(3_000)]
    stream = digests + rng.sample(digests, 1_000) + [0, 0, 1]  # repeats, and the empty marker
    seen = FirstSeen(expected=100)  # far too small: it must grow, keeping every entry
    reference: dict[int, int] = {}
    for line, digest in enumerate(stream, start=2):
        key = digest or 1  # 0 and 1 are one digest (0 marks an empty slot)
        assert seen.first_line(digest, line) == reference.get(key)
        reference.setdefault(key, line)
    assert len(seen) == len(reference)


def test_memory_is_a_few_dozen_bytes_per_row() -> None:
    rows = 100_000
    seen = FirstSeen(expected=rows)
    rng = random.Random(5)
    for line in range(rows):
        seen.first_line(rng.getrandbits(64), line)
    arrays = seen._keys, seen._lines  # private on purpose: the memory is what is tested
    used = sum(a.itemsize * len(a) for a in arrays)
    assert used / rows <= 48  # a dict[bytes, int] took ~130
