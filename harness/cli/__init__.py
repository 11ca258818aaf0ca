"""The `harness` command: one module per subcommand (harness/cli/<command>.py), each with
`add_parser(sub)` and `run(args) -> exit code`. Heavy imports (torch, transformers) happen only
inside the commands that train or predict, so `--help`, `validate`, `schema` and `report` stay
light (tests/cli/test_light_commands.py).

Exit codes: 0 fine, 1 some trial failed (or a gate), 2 bad input (one line per problem, no
traceback), 130 interrupted.

May import: everything in harness (the top layer).
"""

from __future__ import annotations

import argparse
import sys

from harness import __version__
from harness.cli import (
    compare,
    doctor,
    export,
    fetch,
    gate,
    history,
    init,
    inspect,
    nightly,
    predict,
    report,
    run,
    schema,
    validate,
)
from harness.cli.output import fail
from harness.errors import HarnessError

COMMANDS = {  # in --help order
    "run": run, "validate": validate, "report": report, "fetch": fetch, "inspect": inspect,
    "predict": predict, "init": init, "export": export, "history": history, "compare": compare,
    "gate": gate, "nightly": nightly, "doctor": doctor, "schema": schema,
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="harness", description=(
        "Fine-tune and evaluate Hugging Face text models from a declarative suite file."))
    p.add_argument("--version", action="version", version=f"harness {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args, extra = p.parse_known_args(argv)
    # `predict RUN --best "text" ...`: texts after options arrive here (argparse takes
    # positionals in one group); anything else unknown is an error as usual.
    if extra and (not getattr(args, "takes_extra_texts", False)
                  or any(e.startswith("-") for e in extra)):
        p.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:
        args.texts += extra
    try:
        return COMMANDS[args.command].run(args)
    except HarnessError as e:
        return fail(e)
    except KeyboardInterrupt:
        print("harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
