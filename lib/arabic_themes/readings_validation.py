"""Readings of notebook 03 (validation): agreement with the reference, the disagreements, every codebook
version on every hand-coded set, the test set, the validation sample and the corrected shares — each
built from the run's own tables, so that the notebook states no number of another corpus."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from arabic_themes._wording import Labelled, _join, _n, _plural, _theme

#: The bar a theme's coding must meet: F1 and Krippendorff's alpha against the reference.
BAR_F1, BAR_ALPHA = 0.85, 0.80


def meets_bar(scores: pd.DataFrame) -> pd.Series:
    """Per row of an agreement table: F1 ≥ 0.85 and α ≥ 0.80."""
    return (scores["f1"] >= BAR_F1) & (scores["alpha"] >= BAR_ALPHA)


def decisive_first(scores: pd.DataFrame) -> pd.DataFrame:
    """An agreement table with the columns that decide first: theme, F1, α, whether it meets the bar,
    then precision, recall, κ and the counts behind them."""
    table = scores.assign(meets_bar=meets_bar(scores))
    first = ["theme", "f1", "alpha", "meets_bar", "precision", "recall", "kappa", "n"]
    counts = ["reference_1", "coder_1", "both", "coder_only", "reference_only", "neither"]
    return table[[c for c in first + counts if c in table.columns]]


def _labels(themes: Sequence[Labelled]) -> dict[str, Labelled]:
    return {t.id: t for t in themes}


def _bar_verdict(scores: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    labels = _labels(themes)
    ok = scores.loc[meets_bar(scores), "theme"].tolist()
    if len(ok) == len(scores):
        return "meets the bar (F1 ≥ 0.85 and α ≥ 0.80) for every theme"
    if not ok:
        return "meets the bar (F1 ≥ 0.85 and α ≥ 0.80) for no theme"
    return f"meets the bar (F1 ≥ 0.85 and α ≥ 0.80) for {_join([_theme(labels[t]) for t in ok])} only"


def _scores_list(scores: pd.DataFrame, themes: Sequence[Labelled], *, detail: bool = True) -> str:
    labels = _labels(themes)
    parts = []
    for row in scores.itertuples(index=False):
        text = f"{_theme(labels[row.theme])} F1 {row.f1:.2f}, α {row.alpha:.2f}"
        if detail:
            text += f" (precision {row.precision:.2f}, recall {row.recall:.2f})"
        parts.append(text)
    return "; ".join(parts)


def reading_scores(scores: pd.DataFrame, themes: Sequence[Labelled], unit: str = "unit") -> str:
    """Whether the coder meets the bar, and each theme's F1, α, precision and recall (``unit``: what was coded)."""
    if not len(scores):
        return "**Reading.** No theme to score."
    n = int(scores["n"].iloc[0])
    return (
        f"**Reading.** On the {_plural(n, unit)} coded by both, the coder {_bar_verdict(scores, themes)}: "
        f"{_scores_list(scores, themes)}."
    )


def reading_disagreements(diffs: pd.DataFrame, themes: Sequence[Labelled], n_units: int) -> str:
    """How many unit–theme decisions differ, misses against additions, and per theme."""
    if not len(diffs):
        return f"**Reading.** The two codings agree on every unit and theme ({_plural(n_units, 'unit')})."
    labels = _labels(themes)
    misses = int(diffs["kind"].str.startswith("reference only").sum())
    extra = len(diffs) - misses
    per_theme = diffs.groupby("theme", sort=False).size()
    listed = _join([f"{_theme(labels[t])} {_n(int(k))}" for t, k in per_theme.items() if t in labels])
    units = diffs[["doc_id", "start"]].drop_duplicates().shape[0] if "start" in diffs else len(diffs)
    return (
        f"**Reading.** {_plural(len(diffs), 'difference')} in {_plural(units, 'unit')} of {_n(n_units)}: "
        f"{_n(misses)} {'miss' if misses == 1 else 'misses'} (reference only) and {_plural(extra, 'addition')} "
        f"(coder only). By theme: {listed}."
    )


def versions_table(history: pd.DataFrame, themes: Sequence[str], groups: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """F1 per codebook version (rows) and theme, for each group of sets (column blocks ``group · theme``):
    e.g. the corpus, each version's first look at unseen sentences, the test set. Versions in history order."""
    order = list(dict.fromkeys(history["codebook"]))
    table = pd.DataFrame({"codebook": order})
    for group, rows in groups.items():
        for theme in themes:
            values = rows[rows["theme"] == theme].drop_duplicates("codebook").set_index("codebook")["f1"]
            table[f"{group} · {theme}"] = [values.get(v, float("nan")) for v in order]
    return table


def _version(name: str) -> str:
    return name.replace(" (current)", "")


def reading_versions(history: pd.DataFrame, themes: Sequence[Labelled], first: pd.DataFrame | None = None) -> str:
    """What the scores of every version on every set say: fitted against unseen, first against current.

    ``history`` has a boolean ``fitted`` column where the codebook's history is known; ``first`` is
    each version's first look at the set written to test it (:func:`~arabic_themes.versions.first_look`).
    """
    versions = list(dict.fromkeys(history["codebook"]))
    sets = list(dict.fromkeys(history["sentences"]))
    if len(versions) < 2 and sets == ["corpus"]:
        return (
            "**Reading.** Only the current codebook on this corpus: with earlier versions and hand-coded sets "
            "(`EARLIER_CODEBOOKS`, `DEVELOPMENT_SETS`, `TEST_SET`), every version would be scored on every set."
        )
    current, oldest = versions[-1], versions[0]
    text = f"**Reading.** {_plural(len(versions), 'codebook version')} on {_plural(len(sets), 'set')} of sentences."
    if "fitted" in history:
        fitted = history[history["fitted"] & (history["codebook"] == current)]
        if len(fitted):
            text += (
                f" The current version, {_version(current)}, scores F1 {fitted['f1'].min():.2f}–"
                f"{fitted['f1'].max():.2f} on the "
                f"{_plural(fitted['sentences'].nunique(), 'set')} it or an earlier version was revised against: "
                "fitted scores, an upper bound."
            )
    if first is not None and len(first):
        version = list(dict.fromkeys(first["codebook"]))[-1]
        last = first[first["codebook"] == version]
        parts = [f"{_theme(t)} {v:.2f}" for t in themes for v in last.loc[last["theme"] == t.id, "f1"]]
        text += (
            f" Measured on the set written to test it, before anyone read its misses, {_version(version)} scores F1 "
            f"{_join(parts)} ({last['sentences'].iloc[0]})."
        )
    if "test set" in sets:
        test = history[history["sentences"] == "test set"]
        parts = []
        for t in themes:
            rows = test[test["theme"] == t.id].set_index("codebook")["f1"]
            if oldest in rows and current in rows:
                parts.append(f"{_theme(t)} {rows[oldest]:.2f} → {rows[current]:.2f}")
        unseen = "fitted" in test and not test["fitted"].any()
        if parts:
            text += " On the test set" + (", which no version was revised against," if unseen else "")
            text += f" F1 went from {_version(oldest)} to {_version(current)}: {_join(parts)}."
    return text


def interval_table(on_sample: pd.DataFrame, on_all: pd.DataFrame) -> pd.DataFrame:
    """One row per theme: F1, α, precision and recall estimated from the sample as "value [lo–hi]", beside
    F1 and α from every unit — the columns that decide first, the intervals in the same cell."""
    everything = on_all.set_index("theme")
    rows = []
    for r in on_sample.to_dict("records"):
        row: dict[str, object] = {"theme": r["theme"], "n (sample)": int(r["n"])}
        for metric, name in (("f1", "F1"), ("alpha", "α")):
            row[f"{name}, sample [95 %]"] = f"{r[metric]:.2f} [{r[metric + '_lo']:.2f}–{r[metric + '_hi']:.2f}]"
            row[f"{name}, every unit"] = f"{everything.loc[r['theme'], metric]:.2f}"
        for metric in ("precision", "recall"):
            row[f"{metric}, sample [95 %]"] = f"{r[metric]:.2f} [{r[metric + '_lo']:.2f}–{r[metric + '_hi']:.2f}]"
        rows.append(row)
    return pd.DataFrame(rows)


def reading_validation_sample(
    on_sample: pd.DataFrame, on_all: pd.DataFrame, themes: Sequence[Labelled], n_sample: int, n_all: int
) -> str:
    """The agreement estimated from a hand-coded sample (with intervals) against the values from every unit."""
    labels = _labels(themes)

    def interval(row: Mapping[str, float], metric: str) -> str:
        return f"{row[metric]:.2f} [{row[metric + '_lo']:.2f}–{row[metric + '_hi']:.2f}]"

    lines = []
    everything = {r["theme"]: r for r in on_all.to_dict("records")}
    for s in on_sample.to_dict("records"):
        a = everything[s["theme"]]
        text = (
            f"* **{labels[s['theme']].label_en}**: F1 {interval(s, 'f1')} and α {interval(s, 'alpha')} from the "
            f"sample; F1 {a['f1']:.2f} and α {a['alpha']:.2f} from every unit"
        )
        inside = s["f1_lo"] <= a["f1"] <= s["f1_hi"] and s["alpha_lo"] <= a["alpha"] <= s["alpha_hi"]
        text += " — inside the sample's intervals." if inside else " — outside the sample's intervals."
        if s["f1_lo"] == s["f1_hi"] == 1:
            text += (
                " The sample holds no disagreement for this theme, so the bootstrap has none to resample: an "
                "interval that is the single point 1.00 says the sample saw no error, not that the coder makes none."
            )
        lines.append(text)
    head = (
        f"**Reading.** With {_n(n_sample)} of {_plural(n_all, 'unit')} coded by hand, the weighted estimates and "
        f"their 95 % bootstrap intervals, against the values from all {_n(n_all)} units:"
    )
    return head + "\n\n" + "\n".join(lines)


def _pc(share: float) -> str:
    return f"{100 * share:.0f} %"


def reading_corrected_shares(overall: pd.DataFrame, themes: Sequence[Labelled]) -> str:
    """Per theme: the coder's share, the share corrected with the sample (95 % interval), and the share of
    the reference on every unit (column ``human, every unit``)."""
    labels = _labels(themes)
    lines = []
    for r in overall.to_dict("records"):
        inside = r["lo"] <= r["human, every unit"] <= r["hi"]
        lines.append(
            f"* **{labels[r['theme']].label_en}**: the coder marks {_pc(r['machine'])} of the units; corrected with "
            f"the sample, {_pc(r['estimate'])} [{_pc(r['lo'])}–{_pc(r['hi'])}]; the reference coding of every unit "
            f"gives {_pc(r['human, every unit'])} ({'inside' if inside else 'outside'} the interval)."
        )
    return "\n".join(lines)


def summary_validation(
    scores: pd.DataFrame,
    diffs: pd.DataFrame,
    themes: Sequence[Labelled],
    *,
    test: pd.DataFrame | None = None,
    n_test: int = 0,
    versions: int = 1,
    sample: int = 0,
    real: pd.DataFrame | None = None,
) -> str:
    """The summary of notebook 03 as Markdown bullets, from its tables (``real``: :func:`score_real_sets`'s)."""
    n = int(scores["n"].iloc[0]) if len(scores) else 0
    lines = [
        f"* Against the reference coding of {_plural(n, 'unit')}, the coder {_bar_verdict(scores, themes)} "
        f"({_scores_list(scores, themes, detail=False)}); {_plural(len(diffs), 'disagreement')} listed above.",
    ]
    if test is not None and len(test):
        lines.append(
            f"* On the {_plural(n_test, 'sentence')} of the test set it {_bar_verdict(test, themes)} "
            f"({_scores_list(test, themes, detail=False)})."
        )
    if versions > 1:
        lines.append(
            f"* Every one of the {_n(versions)} codebook versions is scored on every set (`agreement_by_version.csv`, "
            "`figures/agreement_by_version.png`), fitted and unseen scores told apart."
        )
    if real is not None and len(real):
        lines.append(f"* On real published pieces (`agreement_real_text.csv`): {_real_verdict(real, themes)}")
    if sample:
        lines.append(
            f"* A blind sample of {_n(sample)} units stratified by the coder's label pattern gives agreement with "
            "bootstrap intervals and theme shares corrected for the measured error; on every unit it gives back the "
            "agreement above."
        )
    lines.append(
        "* Written: `agreement.csv`, `disagreements.csv`, `agreement_by_version.csv`, `test_set_disagreements.csv`, "
        "`validation_agreement.csv`, `validation_prevalence.csv`; `figures/agreement_by_version.png`, "
        "`figures/theme_shares_corrected.png`"
        + ("; `agreement_real_text.csv`, `figures/agreement_real_text.png`." if real is not None and len(real) else ".")
    )
    return "\n".join(lines)


#: The bar for real published text the codebook was not revised on (issue 11): F1 only, with an interval.
BAR_REAL_F1 = 0.80


def reading_real_text(scores: pd.DataFrame, version: str, themes: Sequence[Labelled]) -> str:
    """What one codebook version does on real published pieces: each pooled view's F1 with its interval,
    and which themes reach F1 ≥ 0.80 on the pieces it was not revised on (the test set if there is one)."""
    chosen = scores[(scores["codebook"] == version) & (scores["view"] == "pooled")]
    if chosen.empty:
        return "**Reading.** No real-text set was scored."
    labels = _labels(themes)
    views = list(dict.fromkeys(chosen["sentences"]))
    lines = []
    for view in views:
        part = chosen[chosen["sentences"] == view]
        pieces, units = int(part["pieces"].iloc[0]), int(part["n"].iloc[0])
        each = "; ".join(
            f"{_theme(labels[r.theme])} {r.f1:.2f} ({r.f1_lo:.2f}–{r.f1_hi:.2f})" for r in part.itertuples(index=False)
        )
        lines.append(f"* on the {view}, {_plural(pieces, 'piece')} ({_n(units)} units): {each}")
    verdict = _real_verdict(scores, themes, version)
    verdict = verdict[0].upper() + verdict[1:]
    return (
        f"**Reading.** F1 of codebook {_version(version)} on real published pieces, with 95 % intervals that "
        "resample whole pieces:\n\n" + "\n".join(lines) + f"\n\n{verdict}"
    )


def _real_verdict(scores: pd.DataFrame, themes: Sequence[Labelled], version: str = "") -> str:
    """Which themes reach F1 0.80 on the test set (else the unseen pieces) for ``version`` (default: the last)."""
    version = version or str(scores["codebook"].iloc[-1])
    chosen = scores[(scores["codebook"] == version) & (scores["view"] == "pooled")]
    views = list(dict.fromkeys(chosen["sentences"]))
    judged = "real test set" if "real test set" in views else next((v for v in views if "not revised" in v), views[-1])
    part = chosen[chosen["sentences"] == judged]
    labels = _labels(themes)
    ok = [_theme(labels[t]) for t in part.loc[part["f1"] >= BAR_REAL_F1, "theme"]]
    short = [_theme(labels[t]) for t in part.loc[part["f1"] < BAR_REAL_F1, "theme"]]
    pieces = int(part["pieces"].iloc[0])
    verdict = f"on the {judged} ({_plural(pieces, 'piece')}), codebook {_version(version)} "
    if not short:
        return verdict + f"reaches F1 {BAR_REAL_F1:.2f} for every theme."
    if not ok:
        return verdict + f"reaches F1 {BAR_REAL_F1:.2f} for no theme."
    return verdict + f"reaches F1 {BAR_REAL_F1:.2f} for {_join(ok)}, not for {_join(short)}."
