"The explanation solver: the fast one returns the reference's set; bad input is refused clearly."
import numpy as np, pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from xrlhf.explain import explain_one, explain_reference, explain, ExplainError, min_norm_point, project, attribution

def same(D, q, tol=1e-6):
    f, r = explain_one(D, q, tol), explain_reference(D, q, tol)
    assert r["status"] == "ok" and f["status"] == "ok"
    assert sorted(f["selected"]) == sorted(r["selected"]), (len(f["selected"]), len(r["selected"]))
    return f

@given(n=st.integers(1, 40), d=st.integers(1, 6), where=st.sampled_from(["inside", "outside", "boundary", "vertex"]), seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fast_equals_reference_random(n, d, where, seed):
    rng = np.random.default_rng(seed); D = rng.normal(size=(n, d))
    if where == "inside": q = rng.dirichlet(np.ones(n)) @ D
    elif where == "outside": q = D.mean(0) + rng.normal(size=d) * 5
    elif where == "vertex": q = D[rng.integers(n)].copy()
    else:  # on the boundary: a point on the segment between two points
        i, j = rng.integers(n, size=2); q = 0.3 * D[i] + 0.7 * D[j]
    same(D, q)

@pytest.mark.parametrize("case", ["duplicates", "collinear", "d_gt_n", "n1", "identical"])
def test_fast_equals_reference_adversarial(case):
    rng = np.random.default_rng(0)
    if case == "duplicates": D = np.repeat(rng.normal(size=(10, 3)), 3, axis=0); q = rng.normal(size=3) * 3
    elif case == "collinear": t = rng.normal(size=(30, 1)); D = t * np.array([[1.0, 2.0, -1.0]]); q = np.array([5.0, 0.0, 1.0])
    elif case == "d_gt_n": D = rng.normal(size=(8, 20)); q = rng.normal(size=20)
    elif case == "n1": D = rng.normal(size=(1, 4)); q = rng.normal(size=4)
    else: D = np.ones((5, 3)); q = np.zeros(3)
    f = same(D, q)
    assert abs(sum(f["weights"]) - 1) < 1e-9 and np.linalg.norm(np.asarray(f["weights"]) @ D[f["selected"]] - f["phat"]) < 1e-6 * max(1, np.abs(D).max())

def test_projection_is_optimal():
    rng = np.random.default_rng(1); D = rng.normal(size=(200, 5)); q = rng.normal(size=5) * 6
    phat, S, lam, dist = project(D, q)
    # optimality of the projection: <q - phat, p - phat> <= 0 for every point p of the hull
    assert ((D - phat) @ (q - phat)).max() <= 1e-8 * np.linalg.norm(q - phat) * np.abs(D).max()

@pytest.mark.parametrize("D,q,msg", [
    (np.ones((3, 2)), np.array([np.nan, 0.0]), "NaN/inf"),
    (np.array([[1.0, np.inf], [0, 0]]), np.zeros(2), "row 0"),
    (np.ones((3, 2)), np.zeros(3), "dimension mismatch"),
    (np.zeros((0, 2)), np.zeros(2), "empty training set"),
])
def test_bad_input(D, q, msg):
    with pytest.raises(ExplainError, match=msg): explain_one(D, q)
    with pytest.raises(ExplainError, match=msg): explain(D, np.atleast_2d(q))

def test_failed_solve_is_reported_not_dropped():
    rng = np.random.default_rng(0); D = rng.normal(size=(30, 3)); Q = rng.normal(size=(4, 3))
    X = explain(D, Q, "weighted")
    assert len(X) == 4 and set(X.status) <= {"ok", "infeasible"} or X.status.str.startswith("lp failed").any()
    X = explain(D, Q)
    assert len(X) == 4 and (X.status == "ok").all() and (X["size"] >= 1).all()

def test_attribution_counts():
    import pandas as pd
    sel = pd.DataFrame(dict(selected=[[0, 1], [1, 5]], status=["ok", "ok"]))
    a = attribution(sel, np.array([1, 1, 0, 0, 0, 0], bool), 6)
    assert a == dict(precision=2 / 3, recall=1.0, n_planted=2, n_selected=3, selected_fraction=0.5, n_failed=0)


# --- issue 19: rankings, the Bradley-Terry head, exact removal ---
from xrlhf.explain import (fit_head, refit_without, head_after_removal, removal_margins, representer_weights,
                           ranking_scores, ranking_metrics, auc, nearest_first, projections, explain_all,
                           attribution_ranking, EXPLAINERS, _explain_weighted, prepare)


def bt_instance(seed, n=120, d=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) + rng.normal(size=d), rng


@given(seed=st.integers(0, 10_000), l2=st.sampled_from([1e-3, 1e-2, 0.3]), n_removed=st.integers(0, 40))
@settings(max_examples=25, deadline=None)
def test_exact_removal_equals_refit_from_scratch(seed, l2, n_removed):
    D, rng = bt_instance(seed)
    removed = rng.choice(len(D), n_removed, replace=False)
    warm = refit_without(D, removed, l2, fit_head(D, l2))
    scratch = fit_head(np.delete(D, removed, 0), l2)
    assert np.abs(warm - scratch).max() <= 1e-8 * max(1.0, np.abs(scratch).max())


@given(seed=st.integers(0, 10_000), l2=st.sampled_from([1e-3, 1e-2, 0.3]))
@settings(max_examples=25, deadline=None)
def test_representer_scores_sum_to_the_margin(seed, l2):
    D, rng = bt_instance(seed)
    theta = fit_head(D, l2)
    Q = rng.normal(size=(4, D.shape[1]))
    scores = ranking_scores(D, Q, "representer", l2=l2)
    assert np.allclose(scores.sum(1), Q @ theta, rtol=1e-7, atol=1e-7)  # exact up to the fit's gradient / l2
    assert np.allclose(representer_weights(D, l2, theta) @ D, theta, rtol=1e-7, atol=1e-7)


def test_removal_shift_leaves_the_head_when_nothing_is_removed():
    D, _ = bt_instance(0)
    theta_trained = np.arange(D.shape[1], dtype=float)
    assert np.array_equal(head_after_removal(D, [], theta_trained, 0.01), theta_trained)
    forget = np.arange(10)
    after = removal_margins(D, forget, theta_trained, 0.01)
    shift = refit_without(D, forget, 0.01) - fit_head(D, 0.01)
    assert np.allclose(after, D[forget] @ (theta_trained + shift))


def test_bad_removal_input():
    D, _ = bt_instance(0)
    with pytest.raises(ExplainError, match="indices in"): refit_without(D, [len(D)], 0.01)
    with pytest.raises(ExplainError, match="nothing to fit"): refit_without(D, np.arange(len(D)), 0.01)
    with pytest.raises(ExplainError, match="l2 must be a positive"): fit_head(D, 0.0)


def test_auc_and_precision_at_k_known_values():
    scores = np.array([0.9, 0.5, 0.5, 0.1, 0.0])
    planted = np.array([True, False, True, False, False])
    assert auc(scores, planted) == pytest.approx(5.5 / 6)  # planted 0 beats 3, planted 2 beats 2 and ties 1
    assert auc(np.zeros(5), planted) == pytest.approx(0.5)  # all tied: halves
    metrics = ranking_metrics(np.vstack([scores, -scores]), planted, [[0, 3], [4]], grid=[1, 3])
    assert metrics["auc"] == pytest.approx((5.5 / 6 + 0.5 / 6) / 2)
    assert metrics["precision_at_k"] == pytest.approx((0.5 + 0.0) / 2)
    assert metrics["k"] == 1.5
    assert metrics["precision_at_1pct"] == pytest.approx((1.0 + 0.0) / 2)  # k_1pct = 1 at N = 5
    assert metrics["pr_curve"]["precision"] == pytest.approx([0.5, (2 / 3 + 0.0) / 2])
    assert metrics["pr_curve"]["recall"] == pytest.approx([0.25, (1.0 + 0.0) / 2])
    assert metrics["diversity"] == 1.0


def test_random_ranking_is_chance():
    rng = np.random.default_rng(0)
    D = rng.normal(size=(500, 4))
    planted = rng.random(500) < 0.1
    scores = ranking_scores(D, rng.normal(size=(200, 4)), "random", seed=3)
    assert abs(ranking_metrics(scores, planted, [[0]] * 200)["auc"] - 0.5) < 0.02


@pytest.mark.parametrize("reading", ["prefix", "face", "weighted"])
def test_algorithm1_ranking_is_nearest_first(reading):
    rng = np.random.default_rng(2)
    D = rng.normal(size=(150, 4))
    Q = rng.normal(size=(3, 4)) * 4
    phats = projections(D, Q)[0]
    scores = ranking_scores(D, Q, reading)
    for row, phat in zip(scores, phats):
        assert np.array_equal(np.argsort(-row, kind="stable"), nearest_first(D, phat))
    prefix_sets = explain(D, Q, "prefix").selected  # the prefix reading's set is the top of that ranking
    for row, selected in zip(scores, prefix_sets):
        assert sorted(np.argsort(-row, kind="stable")[:len(selected)]) == sorted(selected)


@pytest.mark.parametrize("seed", range(6))
def test_weighted_lp_over_the_face_equals_the_full_lp(seed):
    rng = np.random.default_rng(seed)
    D = rng.normal(size=(300, 6))
    q = rng.normal(size=6) * 5
    fast = explain_one(D, q, reading="weighted")
    full = _explain_weighted(D, q, fast["phat"], 0.0, prepare(D)[1], 1e-6)  # distance 0: the LP over every row
    assert fast["distance"] > 0 and list(fast["selected"]) == list(full["selected"])
    assert np.allclose(fast["weights"], full["weights"], atol=1e-7)


def test_explain_all_rankers_take_the_default_sizes_and_attribution_ranking_keys():
    rng = np.random.default_rng(4)
    D = rng.normal(size=(200, 5))
    planted = np.zeros(200, bool)
    planted[:10] = True
    D[:10] = rng.normal(size=(10, 5)) * 0.2 + 3
    queries = dict(response=rng.normal(size=(4, 5)) + 6, comparison=rng.normal(size=(4, 5)) * 0.2 + 3.3)
    tables, seconds = explain_all(D, queries, "weighted", theta=np.ones(5), l2=0.01)
    assert list(tables) == list(EXPLAINERS) and "projection (comparison)" in seconds
    for name in ("knn", "random", "gradient", "representer"):
        assert tables[name]["size"].tolist() == tables["weighted"]["size"].tolist()
    ranking = attribution_ranking(D, queries, planted, tables, "weighted", np.ones(5), 0.01, rows=[0, 2])
    assert ranking["default"] == "weighted"
    for name in EXPLAINERS:
        assert {"auc", "precision_at_k", "k", "precision_at_1pct", "k_1pct", "diversity", "n_queries",
                "pr_curve"} <= set(ranking[name]) and ranking[name]["n_queries"] == 2
    assert ranking["weighted"]["auc"] > 0.9 and ranking["random"]["auc"] < 0.8


def test_workers_with_given_projections_give_the_same_table():
    rng = np.random.default_rng(5)
    D = rng.normal(size=(300, 8))
    Q = rng.normal(size=(5, 8)) * 3
    phat = projections(D, Q)[0]
    assert explain(D, Q, "weighted", phat=phat, workers=2).equals(explain(D, Q, "weighted"))
