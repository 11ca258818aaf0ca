"""The suite: `Suite` (schema.py: the typed pieces of harness.specs joined with every method's
spec from the registry), reading a suite file with line numbers and ${VAR} (loader.py) and the
test-only HARNESS_SUITE_OVERRIDES (overrides.py), the checks that need files or the hub
(checks.py: models, datasets, metrics, then each method's own), the nightly gate's schema
(gate.py).

May import: harness.methods (the registry), data, models, specs, fingerprint, env, metrics,
hub, errors. Never plan, execution, reports or above.
"""
