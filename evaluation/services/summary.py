"""The result of an impact evaluation in words: `verdict` (one word, for the program's page
and the gaps page) and `plain_summary` (a few sentences a council member can read, that say
how sure the result is and what it does not show)."""

from datetime import date
from typing import Any

from evaluation.selectors.runs import WEEK


def _percent(value: float) -> str:
    return f"{abs(value) * 100:.0f}%"


def _month(day: str, period: str) -> str:
    parsed = date.fromisoformat(day)
    return f"the week of {parsed:%d %B %Y}" if period == WEEK else f"{parsed:%B %Y}"


class Verdict:
    FEWER = "fewer"  # the whole 95% interval of the change below no change
    MORE = "more"  # all above
    NO_EFFECT = "no_effect"  # it holds no change, and nothing undermines the design
    INCONCLUSIVE = "inconclusive"  # no interval, or a design limit (pre-trends, few areas)


def verdict(results: dict[str, Any]) -> str:
    """The result in one word, for the program's page and the gaps page: "no effect" only
    when the interval holds no change and the design stands (a failed or missing pre-trend
    test, or too few areas served, makes it inconclusive whatever the interval)."""
    low, high = results.get("relative_low"), results.get("relative_high")
    if low is None or high is None or _design_limits(results):
        return Verdict.INCONCLUSIVE
    if high < 0:
        return Verdict.FEWER
    if low > 0:
        return Verdict.MORE
    return Verdict.NO_EFFECT


def plain_summary(inputs: dict[str, Any], results: dict[str, Any]) -> str:
    """A few sentences a council member can read, that say how sure the result is and
    what it does not show."""
    outcome = inputs["outcome_label"]
    subject = outcome[0].upper() + outcome[1:]
    relative = results.get("relative")
    low, high = results.get("relative_low"), results.get("relative_high")
    method = results["method"]
    if method == "its" or inputs.get("citywide_start"):
        where = (
            "in the city"
            if inputs.get("citywide_start")
            else (f"in the {len(inputs['treated'])} area(s) served")
        )
        start = inputs.get("citywide_start") or min(t["first_period"] for t in inputs["treated"])
        compared = f"compared with the trend before {_month(start, inputs['period'])}"
    else:
        count = len(inputs["treated"])
        where = f"in the {count} area{'s' if count != 1 else ''} served"
        starts = sorted({t["first_period"] for t in inputs["treated"]})
        when = _month(starts[0], inputs["period"])
        when = f"from {when}" if len(starts) == 1 else f"as the program started ({when} onwards)"
        compared = (
            f"relative to {len(inputs['comparisons'])} similar areas not served {when}"
            if method != "synth"
            else f"relative to a synthetic comparison area {when}"
        )
    if relative is None:
        text = (
            f"The change in {outcome} {where} could not be expressed as a percentage "
            f"(estimate {results.get('estimate')})."
        )
    else:
        direction = "fell" if relative < 0 else "rose"
        text = f"{subject} {where} {direction} by about {_percent(relative)} {compared}"
        if low is not None and high is not None:
            if high < 0:
                interval = f"95% confidence interval: {_percent(high)} to {_percent(low)} fewer"
            elif low > 0:
                interval = f"95% confidence interval: {_percent(low)} to {_percent(high)} more"
            else:
                interval = (
                    f"95% confidence interval: from {_percent(low)} fewer to {_percent(high)} "
                    "more, so the data cannot tell this change from chance"
                )
            text += f" ({interval})."
        else:
            text += f". {results['warnings'][0] if method == 'synth' else ''}".rstrip() + ""
            if not text.endswith("."):
                text += "."
    significant = low is not None and high is not None and (high < 0 or low > 0)
    limits = _design_limits(results)
    if limits:
        text += " " + " ".join(limits)
        text += (
            " So this result cannot be read as evidence that the program had an effect, "
            "nor that it had none."
        )
    elif significant:
        text += (
            " This is consistent with an effect of the program but does not prove it: other "
            "changes in those areas at the same time could explain part of the difference."
        )
    else:
        text += " This result does not show that the program had an effect, nor that it had none."
    cautions = [w for w in results.get("warnings", []) if not w.startswith("Synthetic control")]
    if cautions:
        text += f" Read it with caution: {len(cautions)} warning(s) below say what limits it."
    if inputs.get("by") == "campaign":
        # the same sentences, of one of the office's campaigns
        text = text.replace("the program", "the campaign").replace("program's", "campaign's")
    return text


DID_METHODS = ("twfe", "event-study", "staggered")


def _design_limits(results: dict[str, Any]) -> list[str]:
    """Sentences naming what undermines a difference-in-differences result: a failed or
    missing pre-trend test, too few treated areas."""
    from evaluation.estimators import ALPHA, FEW_TREATED

    if results["method"] not in DID_METHODS:
        return []
    sentences = []
    pretrend = (results.get("details") or {}).get("pretrend_p")
    if pretrend is None:
        sentences.append(
            "The pre-trend test could not be run, so it is not known whether the served and "
            "comparison areas moved alike before the start."
        )
    elif pretrend < ALPHA:
        sentences.append(
            f"The pre-trend test failed (p = {pretrend:.3f}): the served areas already moved "
            "differently from the comparison areas before the start, so the difference may "
            "not be the program's."
        )
    treated = int(results.get("n_treated") or 0)
    if treated < FEW_TREATED:
        sentences.append(
            f"Only {treated} area{' was' if treated == 1 else 's were'} served: with fewer than "
            f"{FEW_TREATED}, the interval is not reliable."
        )
    return sentences
