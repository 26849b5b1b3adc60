"""Benchmarks that print tables: `make bench` (python -m bench). Each figure is measured
against a baseline in the same run, and the ratio is what we track."""
