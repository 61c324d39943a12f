"""Performance benchmarks. Each measures the fast path beside a naive baseline in the same run and writes
its figures to bench/results/<name>.json and .md. Run with `make bench` (not part of `make test`)."""
