"""The passage index's ranking: a partial sort that keeps a full stable sort's order, ties included."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.index import top

SCORES = st.lists(
    st.sampled_from([0.0, 0.25, 0.5, 0.5, 0.75, 1.0, -0.5]) | st.floats(-1, 1, width=32), min_size=0, max_size=300
)


@settings(max_examples=300, deadline=None)
@given(SCORES, st.integers(1, 120), st.randoms(use_true_random=False))
def test_top_is_the_head_of_a_stable_sort(scores, depth, rnd):
    s = np.array(scores, dtype="float32")
    keep = np.array([rnd.random() < 0.7 for _ in scores], dtype=bool)
    for mask in (None, keep):
        want = [int(i) for i in np.argsort(-s, kind="stable") if mask is None or mask[i]][:depth]
        assert top(s, depth, mask).tolist() == want
