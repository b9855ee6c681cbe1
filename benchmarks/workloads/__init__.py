"""One module per domain, each defining ``BENCH = DomainBench(...)`` (see ``benchmarks.registry``)."""
