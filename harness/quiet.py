"""Keep library chatter (progress bars, expected warnings) out of the harness's own output."""

from __future__ import annotations

import sys
import warnings


def quiet_libraries(verbose: bool = False) -> None:
    if verbose:
        return
    if "datasets" in sys.modules:
        import datasets

        datasets.logging.set_verbosity_error()
        datasets.disable_progress_bars()
    else:  # read when datasets loads: importing it just to quiet it costs `validate` 0.9 s
        import os

        os.environ.setdefault("DATASETS_VERBOSITY", "error")
        os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    if "transformers" in sys.modules:
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
    # sklearn warns when a split holds one class; the metrics still say what happened.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"sklearn\.")
