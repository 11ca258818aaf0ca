"""Keep library chatter (progress bars, expected warnings) out of the harness's own output."""

from __future__ import annotations

import sys
import warnings


def quiet_libraries(verbose: bool = False) -> None:
    if verbose:
        return
    import datasets

    datasets.logging.set_verbosity_error()
    datasets.disable_progress_bars()
    if "transformers" in sys.modules:
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
    # sklearn warns when a split holds one class; the metrics still say what happened.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"sklearn\.")
