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
