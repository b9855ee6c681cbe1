"""One module per domain, each defining ``BENCH = DomainBench(...)`` (see ``sqlfirst.bench.registry``)."""
