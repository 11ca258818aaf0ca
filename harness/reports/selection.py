"""Selection on validation: per report row (dataset × model × method × scheduler), which of the
configurations a grid or search ran is reported. Reads stored records only, so it works on any
results dir (`harness report`, compare, nightly) and never looks at a test score.

The rules (docs/how-to/search-and-selection.md):

1. A configuration's score is the mean over its ok seeds of the selection metric on the
   validation split (default metric: the dataset's main metric; harness.reports.scores).
2. A configuration can be chosen only when every seed the row ran (the union of the seeds of its
   configurations) ended ok with that score: one failed, diverged, interrupted or pruned seed,
   a seed not run or a missing validation score excludes it (a pruned trial is never averaged;
   a configuration that diverges on one seed of two is not "best" on the other).
3. The best score wins (the highest; the lowest for an error such as MSE); equal scores (to
   12 decimals) go to the configuration first in plan order (the suite's order of the grid's values, outer fields first; a search's order of
   proposal).
4. A row with one configuration is that configuration, as before grids existed (its failed seeds
   are shown, not excluded). A row where every configuration is excluded shows no scores and
   says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.reports.groups import Group
from harness.reports.stats import Interval, t_interval

TIE_DIGITS = 12

RULE = ("the configuration with the best mean {split} {metric} over seeds per dataset × model × "
        "method × scheduler is reported on test (test scores never choose); a configuration with "
        "a failed, diverged, pruned or missing seed is not chosen; ties go to the first in plan "
        "order")


@dataclass
class Candidate:
    group: Group
    score: Interval  # the selection metric on the selection split over ok seeds
    excluded: str = ""  # why it cannot be chosen; '' when it can

    @property
    def pruned(self) -> int:
        return sum(1 for r in self.group.bad if r.status == "pruned")


@dataclass
class Choice:
    """One row's configurations, in plan order, and the one its tables report."""

    row: tuple  # (dataset, model, method, scheduler)
    candidates: list[Candidate] = field(default_factory=list)
    chosen: Candidate | None = None
    why: str = ""

    @property
    def searched(self) -> bool:
        return len(self.candidates) > 1

    @property
    def axes(self) -> list[str]:
        return list(dict.fromkeys(k for c in self.candidates for k, _ in c.group.configuration))


def choose(groups: list[Group], scores: dict, split: str = "validation") -> list[Choice]:
    """A Choice per row, rows in first-seen order; candidates in the groups' (plan) order.
    `scores`: per dataset its DatasetScores (harness.reports.scores: the selection metric and
    whether higher is better)."""
    rows: dict[tuple, Choice] = {}
    for g in groups:
        metric = scores[g.dataset].selection
        choice = rows.setdefault(g.row, Choice(g.row))
        choice.candidates.append(Candidate(g, t_interval(g.values(metric, split))))
    for choice in rows.values():
        ds = scores[choice.row[0]]
        _decide(choice, ds.selection, split, ds.greater_is_better(ds.selection))
    return list(rows.values())


def _decide(choice: Choice, metric: str, split: str, higher: bool = True) -> None:
    if not choice.searched:
        choice.chosen = choice.candidates[0]
        choice.why = "the only configuration"
        return
    seeds = {r.seed for c in choice.candidates for r in c.group.ok + c.group.bad}
    for c in choice.candidates:
        c.excluded = _exclusion(c, seeds, metric, split)
    eligible = [c for c in choice.candidates if not c.excluded]
    if not eligible:
        choice.why = (f"no configuration can be chosen: every one has a seed that is not ok or "
                      f"has no {split} {metric}")
        return
    pick = max if higher else min
    best = pick(round(c.score.mean, TIE_DIGITS) for c in eligible)
    tied = [c for c in eligible if round(c.score.mean, TIE_DIGITS) == best]
    choice.chosen = tied[0]  # plan order
    choice.why = (f"best mean {split} {metric} ({best:.4f}, n={tied[0].score.n})"
                  + (f"; tied with {len(tied) - 1} more, the first in plan order"
                     if len(tied) > 1 else ""))


def _exclusion(c: Candidate, seeds: set, metric: str, split: str) -> str:
    g = c.group
    if c.pruned:
        return "pruned"
    if g.bad:
        return "; ".join(f"seed {r.seed} {r.status}" for r in g.bad)
    missing = sorted((seeds - {r.seed for r in g.ok}), key=str)
    if missing:
        return f"seed {', '.join(map(str, missing))} not run"
    if len(g.values(metric, split)) < len(g.ok):
        return f"no {split} {metric}"
    return ""


def chosen_group(choice: Choice) -> Group:
    """The group a row's tables show: the chosen configuration, or an empty group saying why
    none could be chosen."""
    if choice.chosen is not None:
        return choice.chosen.group
    return Group(*choice.row, ok=[], bad=[r for c in choice.candidates for r in c.group.bad],
                 note=choice.why)
