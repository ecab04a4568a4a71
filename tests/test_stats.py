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

# --- statistics over seeds (xrlhf.stats) ---
from scipy import stats as scipy_stats
from xrlhf.stats import cell_paired, cell_summary, holm, paired_comparison, run_metrics, seed_interval

def test_seed_interval_is_the_t_interval_by_hand():
    # 0.52, 0.58, 0.61, 0.49: mean 0.55, squared deviations 0.0009 + 0.0009 + 0.0036 + 0.0036 = 0.009, variance
    # 0.009 / 3 = 0.003, SD 0.0547723; t(0.975, 3) = 3.182446, so the half-width is 3.182446 * 0.0547723 / 2
    interval = seed_interval([0.52, 0.58, 0.61, 0.49, None])
    assert interval["n_seeds"] == 4 and np.isclose(interval["mean"], 0.55) and np.isclose(interval["sd"], 0.0547723)
    assert np.isclose(interval["ci_low"], 0.55 - 0.0871538) and np.isclose(interval["ci_high"], 0.55 + 0.0871538)
    assert seed_interval([0.5]) == dict(mean=0.5, sd=None, ci_low=None, ci_high=None, n_seeds=1)
    with pytest.raises(ValueError, match="NaN"): seed_interval([0.5, np.nan])

def test_paired_tests_give_the_known_p_values():
    # differences +1..+5 points and -6: W- = 6; 14 of the 64 sign patterns of ranks 1..6 have a rank sum <= 6,
    # so the exact two-sided Wilcoxon p is 28/64; 5 of 6 positive: the sign test's p is 2 * (6 + 1) / 64
    xrlhf, ablation = [0.51, 0.52, 0.53, 0.54, 0.55, 0.44], [0.5] * 6
    test = paired_comparison(xrlhf, ablation)
    assert np.isclose(test["p_wilcoxon"], 28 / 64) and np.isclose(test["p_sign"], 14 / 64)
    assert np.isclose(test["p_wilcoxon"], scipy_stats.wilcoxon([1, 2, 3, 4, 5, -6]).pvalue)
    assert np.isclose(test["p_sign"], scipy_stats.binomtest(5, 6).pvalue)
    assert np.isclose(test["mean_diff"], 0.09 / 6) and test["n"] == 6
    # zero differences are dropped: +1 point four times and two ties leave 4 of 4 positive, p = 2 / 2^4 for both
    test = paired_comparison([0.51, 0.51, 0.51, 0.51, 0.5, 0.5], [0.5] * 6)
    assert np.isclose(test["p_wilcoxon"], 0.125) and np.isclose(test["p_sign"], 0.125)
    assert paired_comparison([0.5, 0.6], [0.5, 0.6])["p_wilcoxon"] is None  # no difference to test
    with pytest.raises(ValueError, match="pair run by run"): paired_comparison([0.5, 0.6], [0.5])

def test_cell_paired_holm_over_the_ablations_of_a_cell():
    "Two ablations on one cell: p = 28/64 and 2/64 (all six differences positive); Holm: 2 x 2/64, then 28/64."
    def run(xrlhf, random_set, knn_set):
        rates = dict(random_set=random_set, knn_set=knn_set)
        return dict(winrate=dict(xrlhf_vs_rlhf=dict(all=dict(rate=xrlhf))),
                    ablations={name: dict(winrate=dict(xrlhf_vs_rlhf=dict(all=dict(rate=rate))))
                               for name, rate in rates.items()})
    differences = [0.01, 0.02, 0.03, 0.04, 0.05, -0.06]
    table = {f"dialogue/remax/seed{seed}": run(0.6, 0.6 - diff, 0.6 - abs(diff)) for seed, diff in enumerate(differences)}
    table["summary"], table["paired"] = {"x": 1}, {"y": 2}  # metrics.json's top-level entries are not runs
    assert list(run_metrics(table)) == [f"dialogue/remax/seed{seed}" for seed in range(6)]
    paired = cell_paired(table)["dialogue/remax"]
    assert set(paired["random_set"]["all"]) >= {"mean_diff", "ci_low", "ci_high", "p_wilcoxon", "p_sign", "p_holm"}
    assert np.isclose(paired["random_set"]["all"]["p_wilcoxon"], 28 / 64)
    assert np.isclose(paired["knn_set"]["all"]["p_wilcoxon"], 2 / 64) and np.isclose(paired["knn_set"]["all"]["p_sign"], 2 / 64)
    assert np.isclose(paired["knn_set"]["all"]["p_holm"], 4 / 64) and np.isclose(paired["random_set"]["all"]["p_holm"], 28 / 64)
    assert holm({"a": 0.5, "b": None}) == {"a": 0.5, "b": None}

def test_cell_summary_over_the_runs_of_each_cell():
    table = {f"dialogue/ppo/seed{seed}": dict(winrate=dict(xrlhf_vs_rlhf=dict(all=dict(rate=rate))))
             for seed, rate in enumerate([0.52, 0.58, 0.61, 0.49])}
    table["dialogue/ppo/seed4"] = dict(winrate=None)  # its evaluate stage has not run
    table["summary"] = {"dialogue/ppo": "an older summary"}
    summary = cell_summary(table)
    assert list(summary) == ["dialogue/ppo"]
    assert summary["dialogue/ppo"]["xrlhf_vs_rlhf"]["all"] == seed_interval([0.52, 0.58, 0.61, 0.49])
