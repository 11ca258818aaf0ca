"""The contract between a method and the layers above it (suite, plan, execution, reports).

A method is one folder under harness/methods/ and one line in harness/methods/registry.py. The
folder's `__init__.py` defines `METHOD`, an instance of a `Method` subclass that says

- `spec`: its suite entry (pydantic, discriminated on `type`), joined into `Suite.methods`
  (None for a baseline that suites do not list: it runs for every dataset);
- how it expands into trials and what enters their keys: `dataset_trials`,
  `model_dataset_trials` and `model_trials`, asked in plan order by harness.plan;
- `check`: validate-time checks that need files or packages (harness.suite.checks);
- `hub_data`: hub datasets it reads besides the suite's (harness fetch downloads them);
- `run(trial, ctx) -> MethodOutcome`: one trial; harness.execution makes the record;
- `row_label`, `headline`, `report_tables`, `report_details`: how its records show in reports
  and progress lines.

A method imports only what lies below it (harness.specs, data, models, metrics, fingerprint,
trial, store); its `run` imports torch and the like inside, so `validate` and `report` stay light.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np
from pydantic import BaseModel

from harness.errors import HarnessError
from harness.fingerprint import data_fingerprint, model_fingerprint
from harness.methods.context import SuiteSettings, TrialContext
from harness.specs.dataset import DatasetSpec
from harness.specs.model import ModelSpec
from harness.store.record import TrialRecord
from harness.trial import Trial


class Diverged(RuntimeError):
    """The loss became NaN or inf: recorded as status `diverged`, never as a score."""

    def __init__(self, message: str, log_history: list | None = None):
        super().__init__(message)
        self.log_history = log_history or []  # the Trainer's log up to the divergence


class Pruned(RuntimeError):
    """A search's pruner stopped the trial (its validation score trailed earlier configurations'):
    recorded as status `pruned`, never averaged and never selected."""

    def __init__(self, message: str, log_history: list | None = None):
        super().__init__(message)
        self.log_history = log_history or []  # the Trainer's log up to the pruning evaluation


class Interrupted(RuntimeError):
    """Ctrl-C stopped the trial after a training step: recorded as status `interrupted`."""


@dataclass
class MethodOutcome:
    """What a method's `run` returns; harness.execution.execute turns it into a TrialRecord."""

    metrics: dict[str, dict[str, float | None]]
    test_label_ids: np.ndarray | None  # None: no per-example predictions (mteb)
    test_predictions: np.ndarray | None
    test_probabilities: np.ndarray | None = None
    timing: dict[str, float | None] = field(default_factory=dict)
    log_history: list[dict] = field(default_factory=list)
    model_facts: dict | None = None
    precision: str | None = None
    model_dir: str | None = None  # relative to the results dir, when saved
    artifacts: dict[str, str] = field(default_factory=dict)  # more paths relative to the results dir
    cache_hits: dict[str, bool] = field(default_factory=dict)
    embedding: dict | None = None  # EmbeddingFacts fields (probe, mteb)
    allocator: str | None = None  # Environment.cpu_allocator (fine-tune)
    runtime: dict | None = None  # RuntimeFacts fields (runtime trials)


@dataclass(frozen=True)
class Finding:
    """One line of `harness validate`'s report about an item it checked."""

    item: str
    status: str  # ok | not checked | warning
    detail: str


@dataclass
class MethodTable:
    """A method's own report table, format-free: harness.reports renders it like its tables
    (a str cell as text, an int as a count, a float as a number, None as — )."""

    key: str  # json key and file name
    title: str
    columns: list[str]
    rows: list[dict[str, str | int | float | None]]
    notes: list[str] = field(default_factory=list)
    detail: bool = False  # a detail view (long texts): the HTML page and JSON only


@dataclass(frozen=True)
class HubData:
    """A hub dataset a method reads by itself, beside the suite's datasets (an MTEB task named by
    its MTEB name): `harness fetch` downloads it, and `harness run` before any trial starts."""

    repo_id: str
    revision: str | None  # as pinned by whoever names it (None: main)
    configs: tuple[str | None, ...]
    label: str  # how fetch and errors name it: "mteb task JSTS"
    loc: tuple  # the suite field that names it, for errors: ("methods", j, "tasks", k, "name")
    name: str  # the dataset name of the trials that read it (Trial.dataset.name)
    pinned_by: str = ""  # "mteb 2.26.24": who chose the revision


class SuiteFile(Protocol):
    """A suite as read from its file (harness.suite.loader.LoadedSuite): errors name the line."""

    @property
    def suite(self) -> SuiteSettings: ...

    def error(self, message: str, loc: tuple = ()) -> HarnessError: ...


_DATASET_NOT_IN_KEY = {"name", "files", "hub",  # the fingerprint stands for the data itself
                       "metrics", "main_metric"}  # metrics never enter keys (backfilled instead)
# Fields that came with task types enter a key only when set, so a dataset that sets none of
# them keeps the key it had before they existed.
_DATASET_IN_KEY_WHEN_SET = {"task", "label_range", "choice_columns", "choices_column",
                            "max_length",
                            # span tasks (issue 28)
                            "question_column", "context_column", "answers_column", "id_column",
                            "doc_stride", "max_query_length", "n_best_size", "max_answer_length",
                            "answer_normalization", "entities_column", "words_column",
                            "tags_column", "label_all_tokens"}
# A model's `training` enters a key as the trial's resolved training settings (finetune's plan).
# `runtimes`: each runtime is a trial of its own (harness.runtimes.plan), never a model's key.
_MODEL_NOT_IN_KEY = {"name", "id", "path", "package", "revision", "save_model", "resources",
                     "training", "runtimes"}


@dataclass
class PlanInputs:
    """What expansion reads besides a method's own spec: the suite (hub revisions already pinned
    to commits by harness.plan), and each dataset's and model's key material (its content
    fingerprint, hub id@commit for hub items, and the settings that change a result)."""

    suite: SuiteSettings
    fingerprints: dict = field(default_factory=dict)  # computed once per plan
    tasks: dict = field(default_factory=dict)  # dataset name -> its task type, once per plan
    # A search's configurations so far (harness.search), per (model, dataset, scheduler) display
    # names: lists of {field: value}, in the order the study proposed them.
    points: dict[tuple, list[dict]] = field(default_factory=dict)

    def _once(self, key: tuple, make) -> str:
        """A fingerprint computed once per plan (`setdefault` would hash the files again for
        every trial: its argument is evaluated before it looks)."""
        if key not in self.fingerprints:
            self.fingerprints[key] = make()
        return self.fingerprints[key]

    def task(self, spec: DatasetSpec):
        """The dataset's task type (harness.tasks: declared, or inferred from its data once)."""
        if spec.name not in self.tasks:
            from harness.tasks.prepare import task_of

            self.tasks[spec.name] = task_of(spec)
        return self.tasks[spec.name]

    def main_metric(self, spec: DatasetSpec) -> str:
        """The dataset's main metric in this suite (harness.tasks.scoring)."""
        from harness.tasks.scoring import dataset_metrics

        return dataset_metrics(self.suite.metrics, self.suite.main, spec, self.task(spec))[1]

    def dataset_material(self, spec: DatasetSpec) -> dict:
        fp = self._once(("data", spec.name), lambda: data_fingerprint(spec))
        body = spec.model_dump(mode="json", exclude=_DATASET_NOT_IN_KEY)
        for name in _DATASET_IN_KEY_WHEN_SET:
            if body.get(name) is None:
                body.pop(name, None)
        if spec.hub is not None and spec.hub.splits:  # which of its splits are ours (KEY_VERSION 2)
            body["hub_splits"] = spec.hub.splits
        return {"fingerprint": fp, **body}

    def model_material(self, spec: ModelSpec) -> dict:
        fp = self._once(("model", spec.display_name), lambda: model_fingerprint(spec))
        return {"fingerprint": fp, **spec.model_dump(mode="json", exclude=_MODEL_NOT_IN_KEY)}


class Method(Protocol):
    """What a method tells the rest of harness. Subclass it and override what applies: the
    defaults plan no trial, check nothing and show records under the method's name."""

    name: ClassVar[str]  # the suite's `type:` and TrialRecord.method
    """The suite's `type:` and `TrialRecord.method`."""
    spec: ClassVar[type[BaseModel] | None] = None  # None: not listed in suites (a baseline)
    """Its suite entry (pydantic, `type: Literal[name]`); None: not listed in suites (a baseline)."""
    baseline: ClassVar[bool] = False  # planned once per dataset for every suite; sorted last
    """Planned once per dataset for every suite, sorted last in reports."""
    default: ClassVar[bool] = False  # what a suite without `methods:` runs
    """Run by a suite that has no `methods:`."""
    needs_datasets: ClassVar[bool] = True  # False: a suite of only this method may omit datasets
    """False: a suite whose methods are all of this kind may leave out `datasets:`."""
    trains: ClassVar[bool] = False  # True: its trials read `training:` (grids, search apply)
    """True: its trials read `training:`, so training grids and a search apply to it."""
    task_types: ClassVar[frozenset[str] | None] = None
    """The task types (harness.tasks) of datasets it runs on; None: every one. A dataset of
    another type gets no trial of it (validate says so)."""
    runtimes: ClassVar[bool] = False
    """True: its model trials are evaluated through every runtime of the model's `runtimes`
    (harness.runtimes): `run` gets trials with `trial.runtime` set too."""
    union_tags: ClassVar[frozenset[str]] = frozenset()  # discriminator tags nested in its spec
    """Discriminator tags nested in its spec (error paths drop them)."""

    def applies_to(self, task: str) -> bool:
        """Does it run on datasets of this task type?"""
        return self.task_types is None or task in self.task_types

    def dataset_trials(self, spec: BaseModel | None, dataset: DatasetSpec,
                       plan: PlanInputs) -> list[Trial]:
        """Trials that need no model (baselines, classic features), per dataset."""
        return []

    def model_dataset_trials(self, spec: BaseModel, model: ModelSpec, dataset: DatasetSpec,
                             plan: PlanInputs) -> list[Trial]:
        """Trials per model × dataset (after every model-free trial, model by model)."""
        return []

    def model_trials(self, spec: BaseModel, model: ModelSpec, plan: PlanInputs) -> list[Trial]:
        """Trials per model that bring their own data (MTEB tasks), after its dataset trials."""
        return []

    def grid_fields(self, spec: BaseModel) -> list[str]:
        """Dotted fields of its entry given as lists of values to select among on validation
        (probe: `classifiers.0.C`); the suite's `training:` grid is the suite's own."""
        return []

    def check(self, spec: BaseModel, index: int,
              suite_file: SuiteFile) -> tuple[list[Finding], list[HarnessError]]:
        """Validate-time checks of `methods[index]` against files and packages (no training)."""
        return [], []

    def hub_data(self, spec: BaseModel, index: int) -> list[HubData]:
        """Hub datasets `methods[index]` reads besides the suite's datasets (fetched before a
        run and by `harness fetch`)."""
        return []

    def run(self, trial: Trial, ctx: TrialContext) -> MethodOutcome:
        """Run one trial. Raise Diverged / Interrupted / Pruned for those outcomes; anything
        else fails the trial (the others still run)."""
        raise NotImplementedError

    def training_passes(self, epochs: float) -> float:
        """Work of a trial in passes over the training data, for scheduling estimates."""
        return 1.0 / 3  # one forward pass: about a third of a training step's work

    def row_label(self, record: TrialRecord) -> str | None:
        """The method column of the classification leaderboard; None: not a leaderboard row."""
        return record.method

    def row_labels(self) -> set[str]:
        """Every label `row_label` can give besides the method's name (a baseline's rows are
        named by the dataset's task type: majority, train mean, …)."""
        return set()

    def headline(self, record: TrialRecord) -> dict[str, float | None]:
        """The scores an ok trial's progress line shows."""
        return dict(record.metrics.get("test", {}))

    def report_tables(self, records: list[TrialRecord]) -> list[MethodTable]:
        """Tables of its own, after the shared ones, from this method's records of the plan."""
        return []

    def report_details(self, records: list[TrialRecord], root: Path) -> list[MethodTable]:
        """Detail views read from the records' artifacts under the results dir `root` (e.g.
        mteb's worst queries), after its tables; `detail=True` ones show in HTML and JSON."""
        return []
