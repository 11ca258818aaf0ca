"""`harness validate SUITE...`: schema, data, model dirs, hub items (when the hub or the HF cache
can answer) and the plan, without training (and with `--executor ray`, whether Ray workers can
reach the inputs)."""

from __future__ import annotations

from harness.cli.output import fail
from harness.errors import HarnessError, SuiteErrors


def add_parser(sub) -> None:
    val = sub.add_parser("validate", help="check suites, data and model dirs without training")
    val.add_argument("suites", nargs="+", metavar="SUITE")
    val.add_argument("--executor", default="local", choices=["local", "ray"],
                     help="ray: also check that Ray workers can reach the data files and model dirs")
    val.add_argument("--address", metavar="ADDR", help="ray: ask every node of this cluster")


def run(args) -> int:
    if args.address and args.executor != "ray":
        raise HarnessError("applies to --executor ray only", field="--address")
    return validate(args.suites, args.executor, args.address)


def validate(paths: list[str], executor: str = "local", address: str | None = None) -> int:
    """Check each suite; print its findings and plan size. 2 when any suite is bad."""
    from harness.hub import HubError
    from harness.plan.trials import build_plan, plan_line
    from harness.quiet import quiet_libraries
    from harness.runner import results_root
    from harness.suite.checks import check_suite
    from harness.suite.loader import load_suite
    from harness.trackers.checks import check_tracking

    quiet_libraries()
    status = 0
    for path in paths:
        try:
            loaded = load_suite(path)
            findings, errors = check_suite(loaded)
            errors += check_tracking(loaded, results_root(loaded.suite))
            if errors:
                raise SuiteErrors(errors)
            try:
                trials, unplanned = build_plan(loaded.suite), None
            except HubError as e:  # offline, a hub revision not in the cache: keys unknown
                if not e.unavailable:
                    raise
                trials, unplanned = [], e.message
        except HarnessError as e:
            status = fail(e)
            continue
        print(f"{path}: valid")
        for f in findings:
            print(f"  {f.status:<11} {f.item}: {f.detail}")
        if unplanned:
            print("  plan        not built: trial keys need every hub revision resolved to a "
                  "commit (not in the HF cache offline; `harness fetch SUITE` where the hub answers)")
        else:
            print(f"  plan        {plan_line(trials)}")
        search = loaded.suite.search
        if search is not None:
            units = len(loaded.suite.models) * len(loaded.suite.datasets) \
                * len(loaded.suite.training.lr_scheduler_type)
            print(f"  search      {search.n_trials} configurations ({search.sampler}, "
                  f"{', '.join(search.space)}) × {len(loaded.suite.seeds)} seeds for each of "
                  f"{units} model × dataset × scheduler: up to "
                  f"{search.n_trials * len(loaded.suite.seeds) * units} fine-tunes")
        if executor == "ray":
            from harness.execution.ray.reach import check_reachable

            notes, errors = check_reachable(loaded, address)
            for note in notes:
                print(f"  ray         {note}")
            if errors:
                status = fail(SuiteErrors(errors))
    return status
