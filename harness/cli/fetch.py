"""`harness fetch SUITE`: download what a suite reads from the hub into the HF cache, so that
`HF_HUB_OFFLINE=1 harness run SUITE` needs no network there (harness/fetch.py does the work)."""

from __future__ import annotations


def add_parser(sub) -> None:
    fet = sub.add_parser("fetch", help="download what a suite reads from the hub into the HF "
                                       "cache, for runs without network (HF_HUB_OFFLINE=1)")
    fet.add_argument("suite", help="suite YAML file")


def run(args) -> int:
    from harness.fetch import fetch_suite

    return fetch_suite(args.suite)
