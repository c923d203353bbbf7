"""The results of a test as a dense text table (admin change page, logs)."""

from analytics.stats import SEQUENTIAL_MIN_PAIRS


def _num(value, pattern: str = "{:.2f}") -> str:
    return "—" if value is None else pattern.format(value)


def _interval(low, high, pattern: str = "{:.2f}") -> str:
    return "—" if low is None or high is None else f"[{pattern.format(low)}, {pattern.format(high)}]"


def _arm_line(name: str, arm: dict) -> str:
    finished = arm["completed"] + arm["failed"]
    success = f"{arm['completed']}/{finished}" if finished else "—"
    rate = _num(arm.get("success_rate"), "{:.1%}")
    return (f"{name:<18}{arm['rated']:>7}  {_num(arm['mean']):>6}  {_interval(arm['ci_low'], arm['ci_high']):<16}"
            f"{success:>9} {rate:>7}")


def _p(value) -> str:
    if value is None:
        return "—"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


def _stop(results: dict) -> str:
    if "can_stop" not in results:
        return "not in these stored results: refresh them"
    if results.get("sequential_low") is None:
        return f"monitoring starts at {SEQUENTIAL_MIN_PAIRS} rated pairs"
    return f"can stop: {results['can_stop']}" if results.get("can_stop") else "keep rating, the interval holds 0"


def _clip_line(results: dict) -> str:
    if not results.get("clip_pairs"):
        return "CLIP score b − a   — (no pair with both outputs scored: configure the clip backend)"
    return (f"CLIP score b − a   {_num(results.get('clip_difference'), '{:+.2f}')} "
            f"{_interval(results.get('clip_low'), results.get('clip_high'), '{:+.2f}')}, "
            f"p = {_p(results.get('clip_p'))} on {results['clip_pairs']} scored pairs "
            f"(means {_num(results['baseline'].get('mean_clip_score'), '{:.1f}')} → "
            f"{_num(results['enhanced'].get('mean_clip_score'), '{:.1f}')})")


def _guardrail(row: dict) -> str:
    value = "not measured yet" if row["value"] is None else f"{row['value']:.1f}"
    return f"{row['label']}: {value} (limit {row['limit']:.1f}){' — CROSSED' if row['breached'] else ''}"


def _variant_lines(variants: list[dict]) -> list[str]:
    """With more than two arms: one line per arm against the baseline, Holm-adjusted p-values beside."""
    if len(variants) < 2:
        return []
    lines = ["", f"Every arm against the baseline (paired; Holm over the {len(variants)} comparisons; "
                 f"sequential at α/{len(variants)}):",
             f"{'arm':<18}{'rated':>7}  {'mean':>6}  {'paired b − a':>12}  {'95% CI':<16}{'p':>9} {'p Holm':>9}"
             f" {'Wilcoxon Holm':>14}  {'P(better)':>9}  sequential"]
    for row in variants:
        figures = row["figures"]
        stop = f"can stop: {row['can_stop']}" if row.get("can_stop") else "holds 0" \
            if row.get("sequential_low") is not None else "—"
        lines.append(
            f"{row['name'][:17]:<18}{figures['rated']:>7}  {_num(figures['mean']):>6}  "
            f"{_num(row.get('paired_difference'), '{:+.2f}'):>12}  "
            f"{_interval(row.get('paired_low'), row.get('paired_high'), '{:+.2f}'):<16}"
            f"{_p(row.get('paired_p')):>9} {_p(row.get('paired_p_holm')):>9} {_p(row.get('wilcoxon_p_holm')):>14}  "
            f"{_num(row.get('probability_improvement_paired'), '{:.4f}'):>9}  "
            f"{_interval(row.get('sequential_low'), row.get('sequential_high'), '{:+.2f}')} {stop}")
        lines += [f"  guardrail {_guardrail(guard)}" for guard in row.get("guardrails", []) if row["arm"] > 1]
    return lines


def results_text(results: dict | None) -> str:
    """``ab_test_results(...).as_json()`` as fixed-width lines; "no results yet" for None."""
    if not results:
        return "No results yet."
    lines = [
        f"{'arm':<18}{'rated':>7}  {'mean':>6}  {'95% CI':<16}{'success':>9} {'rate':>7}",
        _arm_line("baseline (a)", results["baseline"]),
        _arm_line("enhanced (b)", results["enhanced"]),
        f"{'difference b − a':<18}{'':>7}  {_num(results['difference'], '{:+.2f}'):>6}  "
        f"{_interval(results['difference_low'], results['difference_high'], '{:+.2f}')}  (Welch, unpaired)",
        f"{'paired b − a':<18}{results['rated_pairs']:>7}  "
        f"{_num(results.get('paired_difference'), '{:+.2f}'):>6}  "
        f"{_interval(results.get('paired_low'), results.get('paired_high'), '{:+.2f}')}"
        "  (paired t, same prompt and seed)",
        f"{'sequential':<18}{'':>7}  {'':>6}  "
        f"{_interval(results.get('sequential_low'), results.get('sequential_high'), '{:+.2f}')}"
        f"  (always valid: {_stop(results)})",
        "",
        f"Valid at the {results['planned_pairs']} planned pairs (fixed horizon, not under repeated looks):",
        f"Paired t-test       t = {_num(results.get('paired_t'))}, p = {_p(results.get('paired_p'))}"
        f"    P(improvement) = {_num(results.get('probability_improvement_paired'), '{:.4f}')} from the pairs",
        f"Welch t-test        t = {_num(results['welch_t'])}, p = {_p(results['welch_p'])}    (unpaired)",
        f"Wilcoxon (pairs)    W = {_num(results['wilcoxon_statistic'], '{:.1f}')}, "
        f"p = {_p(results['wilcoxon_p'])}    on {results['rated_pairs']} fully rated pairs, "
        f"sd of differences {_num(results.get('observed_sd_difference'))}",
        f"P(enhanced > baseline) = {_num(results['probability_enhanced_better'], '{:.4f}')}",
        f"Success rate b − a  {_num(results['success_difference'], '{:+.1%}')}, z = {_num(results['success_z'])}, "
        f"p = {_p(results['success_p'])}",
        _clip_line(results),
        f"Rated pairs         {results['rated_pairs']} of {results['planned_pairs']} planned "
        f"({results['pairs']} pairs){' — complete' if results['complete'] else ''}",
    ]
    lines += _variant_lines(results.get("variants") or [])
    lines += [f"Guardrail           {_guardrail(row)}" for row in results.get("guardrails", [])]
    lines += [f"Note: {text}" for text in ([results["message"]] if results["message"] else [])]
    lines += [f"Note: {text}" for text in results.get("warnings", [])]
    return "\n".join(lines)
