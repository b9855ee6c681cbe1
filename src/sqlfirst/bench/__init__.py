"""``sqlfirst bench``'s engine: datasets, timed workloads, plan gates, fair contests, concurrency, reports.

It runs on the current project's ``benchmarks/`` folder (:mod:`sqlfirst.project`): one
``workloads/<domain>/`` package per domain defining ``BENCH = DomainBench(...)``
(:mod:`sqlfirst.bench.registry`) beside its ``budgets.toml``, and the shared ``budgets.toml``. The
built-in domains' workloads live in the
sqlfirst repository's ``benchmarks/``; a project's own sit in its own folder and import what they need
from here. Needs the ``bench`` extra.
"""
