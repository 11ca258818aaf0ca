"""--ratio-compare: the benchmarks' own printed ratios (each a baseline run inside the same
process, so far less noisy than raw seconds on a shared machine) against a saved run's."""


def pytest_addoption(parser):
    group = parser.getgroup("harness benchmarks")
    group.addoption("--ratio-compare", metavar="JSON",
                    help="a saved pytest-benchmark JSON: fail when a benchmark's lower-is-better "
                         "ratio (vs_handwritten ratio, orchestration_overhead overhead) grew "
                         "beyond --ratio-fail")
    group.addoption("--ratio-fail", type=float, default=25.0, metavar="PERCENT",
                    help="allowed growth of a ratio over the saved one, in percent (default 25)")
