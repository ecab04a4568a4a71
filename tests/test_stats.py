"Win-rate statistics."
import numpy as np, pytest
from hypothesis import given, settings, strategies as st
from xrlhf.evaluate import win_rate, win_rates

@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=200))
@settings(max_examples=100, deadline=None)
def test_win_rate_properties(pairs):
    a, b = map(np.array, zip(*pairs))
    w, v = win_rate(a, b, 200), win_rate(b, a, 200)
    assert abs(w["rate"] + v["rate"] - 1) < 1e-12  # A's wins are B's losses; ties split
    assert 0 <= w["ci_low"] <= w["rate"] + 1e-12 and w["rate"] - 1e-12 <= w["ci_high"] <= 1 and w["n"] == len(a)
    assert win_rate(a, a, 50)["rate"] == 0.5

def test_ties_count_half_and_subsets():
    r = win_rates([1, 1, 0, 2], [1, 0, 1, 2], dict(all=[1, 1, 1, 1], first=[1, 1, 0, 0]))
    assert r["all"]["rate"] == (0.5 + 1 + 0 + 0.5) / 4 and r["first"]["rate"] == 0.75 and r["first"]["n"] == 2

def test_bad_input():
    with pytest.raises(ValueError, match="paired"): win_rate([1, 2], [1])
    with pytest.raises(ValueError, match="NaN"): win_rate([np.nan], [1])
