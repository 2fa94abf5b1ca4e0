"""The corrected share and its interval: a hand-worked case, the census case, and coverage by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from arabic_themes.prevalence import coverage_simulation, estimate_prevalence, stratified_share

# coders like this project's on unseen text (README: recall 0.64-0.76, precision 0.74-1.00) and a weaker one
REALISTIC = {
    "project-like": dict(prevalences=(0.45, 0.2, 0.15), sensitivity=(0.65, 0.8, 0.75), specificity=(0.9, 0.97, 0.99)),
    "weak coder, rare theme": dict(
        prevalences=(0.1, 0.3, 0.05), sensitivity=(0.6, 0.9, 0.7), specificity=(0.95, 0.92, 0.97)
    ),
}
# a near-perfect coder of a very rare theme: strata where every sampled unit agrees
NEAR_PERFECT = dict(prevalences=(0.02, 0.5, 0.15), sensitivity=(0.7, 0.95, 0.9), specificity=(0.995, 0.99, 0.99))


def test_estimate_by_hand() -> None:
    # two strata: 80 units the coder says no (8 sampled, 1 human-positive), 20 it says yes (10 sampled, 8 positive)
    est, lo, hi = stratified_share(np.array([80, 20]), np.array([8, 10]), np.array([1, 8]))
    assert est == pytest.approx((1 + 72 * 1 / 8 + 8 + 10 * 0.8) / 100)  # = 0.8 * 1/8 + 0.2 * 0.8
    assert lo < est < hi
    wald = stratified_share(np.array([80, 20]), np.array([8, 10]), np.array([1, 8]), method="wald")
    assert wald[0] == pytest.approx(est)


def test_every_unit_sampled_gives_the_exact_share_and_a_point_interval() -> None:
    est, lo, hi = stratified_share(np.array([50, 30]), np.array([50, 30]), np.array([5, 24]))
    assert est == lo == hi == pytest.approx(29 / 80)


def test_a_pattern_without_sampled_units_is_an_error() -> None:
    with pytest.raises(ValueError, match="a label pattern has units but none in the sample"):
        stratified_share(np.array([50, 30]), np.array([5, 0]), np.array([1, 0]))


def test_per_article_estimates_use_the_pooled_rates() -> None:
    coded = pd.DataFrame(
        {"doc_id": ["a"] * 6 + ["b"] * 4, "start": range(10), "end": range(1, 11), "t": [1, 1, 0, 0, 0, 0, 1, 0, 0, 0]}
    )
    # sampled: a's units 0 (coder 1, human 1), 2 (coder 0, human 0); b's units 6 (coder 1, human 0), 7 (0 -> 1)
    human = pd.DataFrame(
        {"doc_id": ["a", "a", "b", "b"], "start": [0, 2, 6, 7], "end": [1, 3, 7, 8], "t": [1, 0, 0, 1]}
    )
    table = estimate_prevalence(coded, human, ["t"]).set_index("doc_id")
    # pooled rates: coder-1 stratum 1/2, coder-0 stratum 1/2
    assert table.loc["a", "estimate"] == pytest.approx((1 + 0 + 1 * 0.5 + 3 * 0.5) / 6)
    assert table.loc["b", "estimate"] == pytest.approx((0 + 1 + 0 * 0.5 + 2 * 0.5) / 4)
    assert table.loc["all", "estimate"] == pytest.approx((3 * 0.5 + 7 * 0.5) / 10)
    assert table.loc["a", "machine"] == pytest.approx(2 / 6) and table.loc["all", "sampled"] == 4


@pytest.mark.parametrize("name", list(REALISTIC))
def test_intervals_cover_the_truth_95_percent_of_the_time(name: str) -> None:
    """1,000 synthetic corpora per sample size (60, 100, 200): the all-articles interval covers the true share
    in 93-97 % of runs for each sample size (three themes pooled), and no theme falls below 91 %."""
    table = coverage_simulation(runs=1000, units=1000, **REALISTIC[name])
    overall = table[table["scope"] == "all"]
    pooled = overall.groupby("sample_size")["coverage"].mean()
    assert pooled.between(0.93, 0.97).all(), pooled.to_dict()
    assert (overall["coverage"] >= 0.91).all() and (overall["coverage"] <= 0.98).all(), overall.to_dict("records")
    # per article (unequal sizes, the same error rates in every article): close to nominal as well
    per_article = table[table["scope"] == "article"].groupby("sample_size")["coverage"].mean()
    assert per_article.between(0.92, 0.97).all(), per_article.to_dict()


def test_with_a_near_perfect_coder_the_interval_errs_on_the_safe_side_and_wald_does_not() -> None:
    table = coverage_simulation(runs=1000, units=1000, sample_sizes=(60, 100), **NEAR_PERFECT)
    overall = table[table["scope"] == "all"]
    assert (overall["coverage"] >= 0.93).all(), overall.to_dict("records")
    wald = coverage_simulation(runs=1000, units=1000, sample_sizes=(60, 100), method="wald", **NEAR_PERFECT)
    assert wald[wald["scope"] == "all"]["coverage"].min() < 0.8  # strata whose sample all agrees: variance 0
