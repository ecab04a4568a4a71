"The LLM judge against a local OpenAI-compatible server started here (no network)."
import json, re, socket, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import numpy as np, pytest
from xrlhf.judges import JudgeError, judge_summary, llm_judge_pairwise, llm_win_rate, pref_win_rate, read_cache

FAST = dict(model="judge-test", base_delay=0.01)

@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"): monkeypatch.delenv(k, raising=False)
    for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY"): monkeypatch.delenv(k, raising=False)

def reply_json(text, usage=(50, 7)):
    return dict(id="x", object="chat.completion", model="judge-test",
                choices=[dict(index=0, message=dict(role="assistant", content=text), finish_reason="stop")],
                usage=dict(prompt_tokens=usage[0], completion_tokens=usage[1], total_tokens=sum(usage)))

@pytest.fixture
def server():
    "Start a server whose behaviour is `answer(n, body) -> (status, payload, headers)`; yields a starter."
    started = []
    def start(answer):
        state = dict(n=0, bodies=[], auth=[])
        lock = threading.Lock()
        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock: n = state["n"]; state["n"] += 1; state["bodies"].append(body); state["auth"].append(self.headers.get("Authorization"))
                if self.path != "/v1/chat/completions": status, payload, headers = 404, {"error": "no such path"}, {}
                else: status, payload, headers = answer(n, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", "Content-Length": str(len(data)), **headers}.items(): self.send_header(k, v)
                self.end_headers(); self.wfile.write(data)
            def log_message(self, *a): pass
        srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=srv.serve_forever, kwargs=dict(poll_interval=0.02), daemon=True).start(); started.append(srv)
        state["url"] = f"http://127.0.0.1:{srv.server_port}/v1"
        return state
    yield start
    for s in started: s.shutdown(); s.server_close()

def pair_of(body):
    "Response A and B in the judge prompt the server received."
    text = body["messages"][-1]["content"]
    return re.search(r"(?:Response|Summary) A:\n(.*)\n\n(?:Response|Summary) B:\n(.*)\n\nFIRST", text, re.S).groups()

def keyword_judge(word):
    "A judge that prefers the response containing `word` (ties go to A, i.e. position-biased)."
    def answer(n, body):
        a, b = pair_of(body)
        return 200, reply_json(f"Comparison: one mentions {word}.\nPreferred: {'B' if word in b and word not in a else 'A'}"), {}
    return answer

def always(text): return lambda n, body: (200, reply_json(text), {})

P = ["\n\nHuman: what color is the sky ?\n\nAssistant:", "SUBREDDIT: r/cats\nTITLE: sleepy\nPOST: my cat sleeps all day . it is fine .\nTL;DR:",
     "\n\nHuman: hello\n\nAssistant: hi !\n\nHuman: is water wet ?\n\nAssistant:"]
A = [" the sky is blue .", " cat sleeps", " yes , water is wet ."]
B = [" it is green .", " my cat sleeps all day , fine", " no ."]

def dead_url():
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return f"http://127.0.0.1:{s.getsockname()[1]}/v1"

def test_position_bias_removed(server):
    srv = server(always("Comparison: A is better.\nPreferred: A")); st = {}
    pref = llm_judge_pairwise(P, A, B, base_url=srv["url"], stats=st, **FAST)
    assert pref.tolist() == [0.5, 0.5, 0.5] and srv["n"] == 6
    s = judge_summary(st)
    assert s["position_biased"] == 3 and s["unparseable"] == 0 and s["pairs"] == 3 and s["judgments"] == 6
    assert llm_win_rate(P, A, B, base_url=srv["url"], **FAST)["rate"] == 0.5

def test_keyword_preferences_and_request(server):
    srv = server(keyword_judge("blue"))
    a = [" the sky is blue .", " grey", " same"]
    b = [" green", " blue skies", " same"]
    assert llm_judge_pairwise(P, a, b, base_url=srv["url"], api_key="sk-test", **FAST).tolist() == [1.0, 0.0, 0.5]
    body = srv["bodies"][0]
    assert body["model"] == "judge-test" and body["temperature"] == 0 and body["max_tokens"] > 0
    assert set(srv["auth"]) == {"Bearer sk-test"}
    # the TL;DR prompt uses the summary variant, the dialogue the response one
    texts = [b["messages"][-1]["content"] for b in srv["bodies"]]
    assert sum("Summary A:" in t and "most important points" in t for t in texts) == 2
    assert sum("Response A:" in t and "more helpful" in t for t in texts) == 3   # the tied pair is asked once: both orders are the same request
    w = llm_win_rate(P, a, b, base_url=srv["url"], **FAST)
    assert w["rate"] == 0.5 and w["n"] == 3 and set(w) == {"rate", "ci_low", "ci_high", "se", "n"}

def test_cache_hits_and_torn_line(server, tmp_path):
    srv = server(keyword_judge("blue")); cache = tmp_path / "sub" / "judge.jsonl"
    p1 = llm_judge_pairwise(P, A, B, base_url=srv["url"], cache=cache, **FAST)
    assert srv["n"] == 6 and len(read_cache(cache)) == 6
    st = {}
    p2 = llm_judge_pairwise(P, A, B, base_url=srv["url"], cache=cache, stats=st, **FAST)
    assert (p1 == p2).all() and srv["n"] == 6 and judge_summary(st)["requests"] == 0 and st["cache_hits"] == 6
    # a crash mid-append leaves a torn last line: it is ignored, and the record it held is asked again
    lines = cache.read_text().splitlines(keepends=True)
    cache.write_text("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    assert len(read_cache(cache)) == 5
    p3 = llm_judge_pairwise(P, A, B, base_url=srv["url"], cache=cache, **FAST)
    assert (p3 == p1).all() and srv["n"] == 7 and len(read_cache(cache)) == 6
    # a different model is a different key
    llm_judge_pairwise(P[:1], A[:1], B[:1], base_url=srv["url"], cache=cache, model="other", base_delay=0.01)
    assert srv["n"] == 9

def test_retries_then_success(server):
    def flaky(n, body):
        if n < 2: return 500, {"error": "overloaded"}, {}
        if n == 2: return 429, {"error": "slow down"}, {"Retry-After": "0"}
        return keyword_judge("blue")(n, body)
    srv = server(flaky); st = {}
    t = time.time()
    pref = llm_judge_pairwise(P[:1], A[:1], B[:1], base_url=srv["url"], stats=st, **FAST)
    assert pref.tolist() == [1.0] and time.time() - t < 2
    s = judge_summary(st)
    assert s["retries"] == 3 and s["requests"] == 5 and s["failures"] == 0 and srv["n"] == 5

def test_backoff_grows(server, monkeypatch):
    import xrlhf.judges as J
    sleeps = []; monkeypatch.setattr(J.time, "sleep", sleeps.append)
    srv = server(lambda n, body: (503, {"error": "down"}, {}) if n < 3 else keyword_judge("blue")(n, body))
    llm_judge_pairwise(P[:1], A[:1], B[:1], base_url=srv["url"], model="m", base_delay=1.0)
    assert len(sleeps) == 3 and 1 <= sleeps[0] < sleeps[1] < sleeps[2] and sleeps[2] >= 4

def test_exhausted_retries_clear_error(server, tmp_path):
    srv = server(lambda n, body: (500, {"error": "boom"}, {})); st = {}
    with pytest.raises(JudgeError) as e:
        llm_judge_pairwise(P, A, B, base_url=srv["url"], retries=2, cache=tmp_path / "c.jsonl", stats=st, **FAST)
    msg = str(e.value)
    assert srv["url"] in msg and "'judge-test'" in msg and "3 attempt" in msg and "HTTP 500" in msg
    # the failing request retried twice, and the failure stopped the rest from starting (one worker)
    assert (st["failures"], st["retries"]) == (1, 2) and srv["n"] == 3 and not (tmp_path / "c.jsonl").exists()

def test_unretryable_http_error_fails_at_once(server):
    srv = server(lambda n, body: (401, {"error": "bad key"}, {}))
    with pytest.raises(JudgeError, match="OPENAI_API_KEY") as e: llm_judge_pairwise(P[:1], A[:1], B[:1], base_url=srv["url"], **FAST)
    assert "HTTP 401" in str(e.value) and srv["n"] == 1
    with pytest.raises(JudgeError, match="404.*base_url"): llm_judge_pairwise(P[:1], A[:1], B[:1], base_url=srv["url"][:-3], **FAST)

def test_unreachable_endpoint(tmp_path, monkeypatch):
    url, cache = dead_url(), tmp_path / "judge.jsonl"
    with pytest.raises(JudgeError) as e:
        llm_judge_pairwise(P, A, B, base_url=url, cache=cache, retries=1, **FAST)
    msg = str(e.value)
    assert url in msg and "'judge-test'" in msg and "cannot reach" in msg and "OPENAI_BASE_URL" in msg and "Start the server" in msg
    assert e.value.__cause__ is None and not cache.exists() and not list(tmp_path.iterdir())
    monkeypatch.setenv("OPENAI_BASE_URL", url)   # the environment variable names the endpoint too
    with pytest.raises(JudgeError, match=re.escape(url)): llm_judge_pairwise(P[:1], A[:1], B[:1], retries=0, **FAST)

def test_unparseable_answers_are_ties_and_counted(server):
    def mixed(n, body):
        a, b = pair_of(body)
        if "blue" in a + b: return 200, reply_json("I would rather not say."), {}
        return 200, reply_json(f"Comparison: one is longer.\nPreferred: {'A' if len(a) > len(b) else 'B'}"), {}
    srv = server(mixed); st = {}
    pref = llm_judge_pairwise(P, A, B, base_url=srv["url"], stats=st, **FAST)
    assert pref.tolist() == [0.5, 0.0, 1.0]
    assert judge_summary(st)["unparseable"] == 2 and st["position_biased"] == 0

def test_usage_tokens_summed_and_cost(server):
    srv = server(lambda n, body: (200, reply_json("Preferred: A" if n % 2 else "Preferred: B", usage=(100 + n, 10)), {})); st = {}
    llm_judge_pairwise(P[:2], A[:2], B[:2], base_url=srv["url"], stats=st, **FAST)
    llm_judge_pairwise(P[2:], A[2:], B[2:], base_url=srv["url"], stats=st, **FAST)   # stats add up over calls
    s = judge_summary(st, prices=(0.01, 0.03))
    assert s["requests"] == 6 and s["prompt_tokens"] == sum(100 + n for n in range(6)) and s["completion_tokens"] == 60
    assert s["cost"] == pytest.approx((s["prompt_tokens"] * 0.01 + 60 * 0.03) / 1000) and judge_summary(st)["cost"] is None

def test_parallel_workers_match_serial(server, tmp_path):
    srv = server(keyword_judge("blue"))
    a, b = [" blue"] * 10 + [" red"] * 10, [" red"] * 10 + [" blue"] * 10
    p = llm_judge_pairwise([f"\n\nHuman: q{i}\n\nAssistant:" for i in range(20)], a, b, base_url=srv["url"], workers=4,
                           cache=tmp_path / "c.jsonl", **FAST)
    assert p.tolist() == [1.0] * 10 + [0.0] * 10 and len(read_cache(tmp_path / "c.jsonl")) == 40

def test_bad_input(server):
    with pytest.raises(ValueError, match="paired"): llm_judge_pairwise(P, A, B[:2], **FAST)
    with pytest.raises(ValueError, match=r"\[0, 1\]"): pref_win_rate([0.5, 2])
    assert pref_win_rate([])["n"] == 0
    assert pref_win_rate([1, 0.75, 0.5])["rate"] == pytest.approx(0.75)   # averaged, not thresholded

def test_reply_without_choices_is_a_clear_error(server, tmp_path):
    srv = server(lambda n, body: (200, {"object": "error", "message": "model not loaded"}, {}))
    with pytest.raises(JudgeError, match="choices.*'judge-test'"):
        llm_judge_pairwise(P[:1], A[:1], B[:1], base_url=srv["url"], cache=tmp_path / "c.jsonl", **FAST)
    assert not (tmp_path / "c.jsonl").exists()

def shorter_judge(n, body):
    "Prefers the shorter response; ties go to A (position-biased), so a tie scores 1/2 over both orders."
    a, b = pair_of(body)
    return 200, reply_json(f"Comparison: brevity.\nPreferred: {'B' if len(b) < len(a) else 'A'}"), {}

def test_study_with_an_llm_judge(quick_study, server, tmp_path, monkeypatch):
    "`[study] judge = llm:MODEL` judges the unsatisfactory set and the win rates pairwise through the endpoint, cached on disk."
    import shutil
    import pandas as pd
    from conftest import xrlhf
    st = server(shorter_judge); monkeypatch.setenv("OPENAI_BASE_URL", st["url"])
    root = tmp_path/"artifacts"; shutil.copytree(quick_study["root"], root)
    run = lambda *a: xrlhf("run", "evaluate", "--quick", "--settings", quick_study["settings"], "--root", root, "--reports", tmp_path/"reports",
                           "-p", "study.judge", "llm:judge-test", *a)
    run(); seed = root/"dialogue"/"seed0"/"remax"
    def pref(a, b):  # what shorter_judge's two orders give
        la, lb = np.array([len(x.strip()) for x in a]), np.array([len(x.strip()) for x in b])
        return np.where(la < lb, 1.0, np.where(la > lb, 0.0, 0.5))
    U = pd.read_parquet(seed/"unsatisfactory"/"responses.parquet"); mu = json.loads((seed/"unsatisfactory"/"metrics.json").read_text())
    want = pref(U.response_rlhf, U.response_sft)
    fix = (U.half == "fix").to_numpy()  # the unsatisfactory set and the headline subsets are the fix half's
    assert np.allclose(U.score_rlhf, want) and (U.unsatisfactory == (want < 0.5)).all()
    assert mu["unsatisfactory_fraction"] == (want[fix] < 0.5).mean()
    assert mu["llm_judge"]["pairs"] == len(U) and mu["llm_judge"]["judgments"] == 2 * len(U)
    assert 0 < mu["llm_judge"]["requests"] <= 2 * len(U)  # identical messages (a == b in both orders) are asked once
    E = pd.read_parquet(seed/"evaluate"/"responses.parquet"); me = json.loads((seed/"evaluate"/"metrics.json").read_text())
    assert np.isclose(me["winrate"]["xrlhf_vs_rlhf"]["all"]["rate"], pref(E.response_xrlhf, U.response_rlhf)[fix].mean())
    assert np.isclose(me["winrate"]["xrlhf_vs_sft"]["all"]["rate"], pref(E.response_xrlhf, U.response_sft)[fix].mean())
    ws = me["winrate"]["rlhf_vs_sft"]["unsat"]
    assert ws["n"] == (want[fix] < 0.5).sum()  # the subset is the one the rule implies
    if ws["n"]: assert np.isclose(ws["rate"], want[fix][want[fix] < 0.5].mean())
    assert me["llm_judge"]["pairs"] == 2 * len(U) and (root/"llm_judge.jsonl").exists()
    assert st["n"] == mu["llm_judge"]["requests"] + me["llm_judge"]["requests"]  # the server saw every request the summaries count
    n = st["n"]; run("--force")   # every judgment is in the cache: the rerun sends nothing and gives the same metrics
    assert st["n"] == n and json.loads((seed/"evaluate"/"metrics.json").read_text())["winrate"] == me["winrate"]
    j2 = json.loads((seed/"evaluate"/"metrics.json").read_text())["llm_judge"]
    assert j2["requests"] == 0 and j2["cache_hits"] == me["llm_judge"]["requests"] + me["llm_judge"]["cache_hits"] > 0
