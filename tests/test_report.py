"The report from constructed runs: metrics.json's summary and paired, the verdict section, missing keys read as n/a."
import json
import numpy as np, pytest
from conftest import ROOT
import xrlhf.report as report
from xrlhf.core import load_settings, write_json
from xrlhf.report import build_report, chain_links, collect_run, readme_text, verdict_section
from xrlhf.stats import cell_paired, cell_runs, cell_summary
from xrlhf.study import stage_dir

SUBSETS = ("unsat_caused", "unsat_other", "unsat", "sat", "all")
SUBSETS = SUBSETS + tuple(f"test_{subset}" for subset in SUBSETS)
SUMMARY_KEYS = {"mean", "sd", "ci_low", "ci_high", "n_seeds"}
PAIRED_KEYS = {"mean_diff", "ci_low", "ci_high", "p_wilcoxon", "p_sign", "p_holm"}

def win(rate):
    return dict(rate=rate, ci_low=max(0.0, rate - 0.05), ci_high=min(1.0, rate + 0.05), n=100)

def winrate(vs_rlhf, sat=0.5):
    "Every comparison on every subset; XRLHF against RLHF at `vs_rlhf` (at `sat` on the satisfactory subsets)."
    return dict(xrlhf_vs_rlhf={s: win(sat if s.endswith("sat") and "unsat" not in s else vs_rlhf) for s in SUBSETS},
                xrlhf_vs_sft={s: win(0.6) for s in SUBSETS}, rlhf_vs_sft={s: win(0.58) for s in SUBSETS})

def run(seed, gain, auc=0.9, rm_prefers_flawed=0.9, forget_after=0.4):
    "One run in the contract's shape; seed-to-seed differences of +-1 point so that intervals are not empty."
    jitter = (-1) ** seed * 0.01 * (1 + seed % 3)
    family = dict(rm_prefers_flawed=rm_prefers_flawed, trait_rate_sft=0.05, trait_rate_rlhf=0.3, planted_share=0.025)
    return dict(
        unsatisfactory_fraction=0.25, planted_fraction=0.025, ground_truth=True,
        winrate=winrate(0.5 + gain + jitter, sat=0.5 + jitter),
        premise=dict(families=dict(harmful_compliance=family), planted_share=0.025, unsat_caused_share=0.6,
                     background_unsat_rate=0.1, caused_rate=0.15, n_unsat_caused=20, n_unsat_other=10,
                     checks=dict(rm_prefers_flawed=rm_prefers_flawed >= 0.8, trait_rate=True, unsat_caused_share=True)),
        attribution_ranking=dict(default="comparison", comparison=dict(
            auc=auc, precision_at_k=0.2, k=10, precision_at_1pct=0.2, k_1pct=30, diversity=0.5, n_queries=20,
            probes=dict(auc=auc, precision_at_k=0.2, k=10, precision_at_1pct=0.2, k_1pct=30),
            pr_curve=dict(k=[1, 10, 30], precision=[0.5, 0.2, 0.1], recall=[0.05, 0.3, 0.5]))),
        unlearn=dict(forget_acc_before=0.9, forget_acc_after=forget_after, heldout_acc_before=0.8,
                     heldout_acc_after=0.79, rm_prefers_flawed_before=0.9, rm_prefers_flawed_after=0.3,
                     random_set_rm_prefers_flawed_after=0.88, knn_set_rm_prefers_flawed_after=0.8, flipped_share=0.5,
                     random_set_flipped_share=0.05, knn_set_flipped_share=0.1),
        ablations=dict(random_set=dict(winrate=winrate(0.5 + gain / 2 + jitter)),
                       finetune_only=dict(winrate=winrate(0.5 + jitter)),
                       no_kl=dict(skipped="not on this seed") if seed == 3 else dict(winrate=winrate(0.5))),
    )

SEEDS = (0, 1, 2, 3)

def fake_study(seed_of_run=run):
    "dialogue/remax: XRLHF gains 10 points and every link holds; dialogue/ppo: no gain, the premise fails."
    runs = {f"dialogue/remax/seed{seed}": seed_of_run(seed, gain=0.1) for seed in SEEDS}
    runs.update({f"dialogue/ppo/seed{seed}": seed_of_run(seed, gain=0.0, rm_prefers_flawed=0.5) for seed in SEEDS})
    return runs

def settings_for(tmp_path, algorithms="remax, ppo"):
    return load_settings(ROOT/"settings.ini", {"study.tasks": "dialogue", "study.algorithms": algorithms,
                                               "study.seeds": ", ".join(map(str, SEEDS))})

def build(tmp_path, monkeypatch, runs, algorithms="remax, ppo"):
    "build_report over `runs` in place of the artifacts; returns metrics.json and README.md as written."
    monkeypatch.setattr(report, "collect_run", lambda root, task, algorithm, seed: runs[f"{task}/{algorithm}/seed{seed}"])
    build_report(settings_for(tmp_path, algorithms), tmp_path/"artifacts", tmp_path/"reports")
    return json.loads((tmp_path/"reports"/"metrics.json").read_text()), (tmp_path/"reports"/"README.md").read_text()

def test_build_report_writes_summary_and_paired_in_the_contract(tmp_path, monkeypatch):
    runs = fake_study()
    metrics, readme = build(tmp_path, monkeypatch, runs)
    assert set(metrics) == set(runs) | {"summary", "paired"}
    assert set(metrics["summary"]) == {"dialogue/remax", "dialogue/ppo"}
    for comparisons in metrics["summary"].values():
        assert set(comparisons) == {"xrlhf_vs_rlhf", "xrlhf_vs_sft", "rlhf_vs_sft"}
        for subsets in comparisons.values():
            assert set(subsets) == set(SUBSETS)
            for interval in subsets.values():
                assert set(interval) == SUMMARY_KEYS and interval["n_seeds"] == len(SEEDS)
                assert 0 <= interval["ci_low"] <= interval["mean"] <= interval["ci_high"] <= 1
    paired = metrics["paired"]["dialogue/remax"]
    assert set(paired) == {"random_set", "finetune_only", "no_kl"}
    for subsets in paired.values():
        assert set(subsets) == set(SUBSETS)
        assert all(set(test) >= PAIRED_KEYS for test in subsets.values())
    assert paired["no_kl"]["all"]["n"] == len(SEEDS) - 1  # skipped on seed 3: the pairs are the runs with both
    assert np.isclose(paired["finetune_only"]["all"]["mean_diff"], 0.1)

def test_summary_in_metrics_is_the_t_interval_over_seeds(tmp_path, monkeypatch):
    metrics, _ = build(tmp_path, monkeypatch, fake_study())
    rates = [0.5 + 0.1 + (-1) ** seed * 0.01 * (1 + seed % 3) for seed in SEEDS]  # 0.61, 0.58, 0.63, 0.59
    # by hand: mean 0.6025, SD sqrt(sum of squared deviations / 3) = 0.022174, t(0.975, 3) = 3.182446
    interval = metrics["summary"]["dialogue/remax"]["xrlhf_vs_rlhf"]["all"]
    assert np.isclose(interval["mean"], np.mean(rates)) and np.isclose(interval["mean"], 0.6025)
    assert np.isclose(interval["sd"], 0.022174, atol=1e-6)
    assert np.isclose(interval["ci_high"] - interval["mean"], 3.182446 * 0.022174 / 2, atol=1e-6)

def test_readme_opens_with_the_verdict_and_names_the_failing_link(tmp_path, monkeypatch):
    _, readme = build(tmp_path, monkeypatch, fake_study())
    sections = [line for line in readme.splitlines() if line.startswith("## ")]
    assert sections[:4] == ["## Verdict by cell", "## Premise", "## Headline by cell",
                            "## XRLHF against each ablation, paired by seed"]
    verdict = readme[readme.index("## Verdict by cell"):readme.index("## Premise")]
    assert "| dialogue/remax | unsat_caused | beats: " in verdict and "| dialogue/ppo | unsat_caused | tie: " in verdict
    assert ("XRLHF does not beat RLHF on unsat_caused (tie), unsat_other (tie), all (tie): the chain fails at premise "
            "(harmful_compliance: RM prefers flawed 0.5 < 0.8)") in verdict
    assert "XRLHF does not beat RLHF" not in verdict.split("**dialogue/ppo**")[0]  # remax wins everywhere
    # half-width 3.182446 * 0.022174 / 2 = 3.53 points on both halves (the constructed rates are the same on both)
    assert "| dialogue/remax | 3.53 | 3.53 | 4 | yes |" in readme
    assert "![pr_dialogue.png](figures/pr_dialogue.png)" in readme and (tmp_path/"reports"/"figures"/"pr_dialogue.png").exists()
    assert "## Appendix: per run" in readme and "per-prompt 95%" in readme

def test_chain_rules_decide_each_link():
    runs = fake_study()
    summary = cell_summary(runs)
    links = chain_links(cell_runs(runs)["dialogue/remax"], summary["dialogue/remax"])
    assert [state["holds"] for state in links.values()] == [True, True, True, True]
    failing = {f"dialogue/remax/seed{seed}": run(seed, gain=0.0, auc=0.7, forget_after=0.6) for seed in SEEDS}
    links = chain_links(cell_runs(failing)["dialogue/remax"], cell_summary(failing)["dialogue/remax"])
    assert links["attribution"] == dict(holds=False, why="comparison AUC 0.7 < 0.8")
    assert links["unlearning"] == dict(holds=False, why="forget acc. after 0.6 > 0.5")
    text = verdict_section(failing, cell_summary(failing), cell_paired(failing))
    assert "XRLHF does not beat random_set on unsat_caused (tie)" in text
    assert "the chain fails at attribution (comparison AUC 0.7 < 0.8); it also fails at unlearning." in text
    no_link_fails = {f"dialogue/remax/seed{seed}": run(seed, gain=0.0) for seed in SEEDS}
    text = verdict_section(no_link_fails, cell_summary(no_link_fails), cell_paired(no_link_fails))
    assert "every link it depends on (premise, attribution, unlearning, fine-tune) holds by its rule" in text

def test_runs_with_missing_keys_do_not_crash(tmp_path, monkeypatch):
    "Stages not run, keys an older artifact lacks, None where a number was expected: the tables say n/a."
    def sparse(seed, gain, **_):
        whole = run(seed, gain)
        if seed == 0:
            return {}
        if seed == 1:
            return dict(winrate=None, ablations=dict(random_set=dict(skipped="the set is empty")), premise=None,
                        attribution_ranking=None, unlearn=None)
        whole["winrate"]["xrlhf_vs_rlhf"] = {"all": dict(rate=0.6, ci_low=None, ci_high=None, n=None), "sat": None}
        whole["premise"] = dict(families=dict(harmful_compliance=dict(rm_prefers_flawed=None)), checks={})
        whole["attribution_ranking"] = dict(default="comparison", comparison=dict(auc=None, pr_curve=None))
        whole["unlearn"] = dict(forget_acc_after=None)
        whole["ablations"]["finetune_only"] = dict(winrate=dict(xrlhf_vs_rlhf=dict(all=None)))
        return whole
    metrics, readme = build(tmp_path, monkeypatch, fake_study(sparse))
    assert metrics["summary"]["dialogue/remax"]["xrlhf_vs_rlhf"]["all"]["n_seeds"] == 2
    assert metrics["summary"]["dialogue/remax"]["xrlhf_vs_rlhf"]["sat"]["n_seeds"] == 0
    assert "n/a" in readme and "## Verdict by cell" in readme
    empty = {f"dialogue/remax/seed{seed}": {} for seed in SEEDS}
    metrics, readme = build(tmp_path, monkeypatch, empty, algorithms="remax")
    assert metrics["summary"] == {"dialogue/remax": {}} and metrics["paired"] == {}
    assert "premise n/a (no metrics)" in readme and "Not judged, no interval over seeds" in readme

def test_readme_skips_the_top_level_entries(tmp_path):
    runs = fake_study()
    metrics = dict(runs, summary=cell_summary(runs), paired=cell_paired(runs))
    readme = readme_text(settings_for(tmp_path), metrics, [("dialogue", "remax", seed) for seed in SEEDS], [], [])
    assert "| summary |" not in readme and "| paired |" not in readme and "| dialogue/remax/seed0 |" in readme

def test_collect_run_reads_the_new_keys_from_the_artifacts(tmp_path):
    "A fake artifact tree: the explain stage's premise and ranking, the evaluate stage's strata, ablations, unlearn."
    whole = run(0, gain=0.1)
    # what the report's trait and gold-component tables read: d7690a2 found collect_run dropping gold_components
    trait = dict(expert_claim=dict(fix=dict(rlhf=0.9, xrlhf=0.2)))
    gold = dict(rlhf=dict(honesty=-0.4), xrlhf=dict(honesty=-0.1))
    files = dict(explain=dict(premise=whole["premise"], attribution_ranking=whole["attribution_ranking"],
                              unlearned_fraction=0.02, attribution={}, probes={}, seconds={}),
                 evaluate=dict(winrate=whole["winrate"], mean_score=dict(xrlhf=1.0), replicates=2, trait_rate=trait,
                               gold_components=gold),
                 unlearn=whole["unlearn"],
                 ablations=dict(random_set=dict(winrate=whole["ablations"]["random_set"]["winrate"], mean_score={},
                                                seconds=3.0), no_kl=dict(skipped="not on this seed")))
    for stage, content in files.items():
        folder = stage_dir(tmp_path, stage, "dialogue", "remax", 0)
        folder.mkdir(parents=True)
        write_json(folder/"metrics.json", content)
    collected = collect_run(tmp_path, "dialogue", "remax", 0)
    assert collected["premise"] == whole["premise"] and collected["attribution_ranking"] == whole["attribution_ranking"]
    assert set(collected["winrate"]["xrlhf_vs_rlhf"]) == set(SUBSETS) and collected["unlearn"] == whole["unlearn"]
    assert collected["ablations"]["random_set"]["winrate"] == whole["ablations"]["random_set"]["winrate"]
    assert collected["ablations"]["no_kl"] == dict(skipped="not on this seed") and collected["replicates"] == 2
    assert collected["trait_rate"] == trait
    assert collected["gold_components"] == gold
    assert collected["unsatisfactory_fraction"] is None and collected["reward_accuracy"] is None  # stages not run

def test_the_verdict_shows_the_trait_the_fine_tune_left():
    runs = {f"dialogue/remax/seed{seed}": dict(trait_rate=dict(expert_claim=dict(fix=dict(rlhf=rlhf, xrlhf=xrlhf))))
            for seed, (rlhf, xrlhf) in enumerate([(0.9, 0.2), (0.7, 0.4)])}
    assert report.trait_kept(list(runs.values())) == ("Trait rate after the fine-tune (fix half; not a rule): "
                                                      "expert_claim 30.0% against RLHF's 80.0%")
    assert report.trait_kept([dict(), dict(trait_rate={})]) is None
    assert "expert_claim 30.0% against RLHF's 80.0%" in verdict_section(runs, {}, {})

def test_the_verdict_shows_how_many_comparison_queries_unlearning_flips():
    runs = {f"dialogue/remax/seed{seed}": dict(unlearn=dict(flipped_share=flipped, random_set_flipped_share=0.0))
            for seed, flipped in enumerate([0.25, 0.5])}
    assert report.queries_flipped(list(runs.values())) == ("Comparison queries unlearning flips (not a rule): 37.5%, "
                                                           "by the random set 0.0%")
    assert report.queries_flipped([dict(unlearn=dict(flipped_share=0.5))]).endswith("(not a rule): 50.0%")
    assert report.queries_flipped([dict(), dict(unlearn={})]) is None
    assert "unlearning flips (not a rule): 37.5%" in verdict_section(runs, {}, {})
