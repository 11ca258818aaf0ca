"""Experiment trackers (TensorBoard, MLflow, Weights & Biases): one run per trial.

`session.TrialTracking` is opened by harness.execution.execute around every trial, in the process
that runs it: it opens each tracker's run (named by the trial id, grouped by the suite run,
tagged model / dataset / method / scheduler / seed), hands a fine-tune the Trainer integrations
to report its curves to (methods/context.py: TrainerReporting), logs the trial's final metrics,
config, key, seed and model revision through each tracker's own client once the record is
made, and closes the runs. A tracker that raises is dropped for the rest of the trial and the
record says which and why (`TrialRecord.tracking`); the trial itself is never failed by it.
`checks.py`: what `validate` checks before any compute. The libraries are imported only when a
suite asks for them (pip install 'harness[tracking]').
"""
