"""Benchmarks: `python -m bench NAME` runs bench/NAME.py's main(); each prints one JSON line.

See bench/README.md for how to run them against PostgreSQL and what the targets are.
"""
