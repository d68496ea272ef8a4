"""Ratio benchmarks: each ``*_bench.py`` module measures Rotonde operations against raw
primitive operations timed in the same run, so results compare across machines.

Run ``python -m benchmarks`` (all modules) or ``python -m benchmarks sdjwt`` (one) from the
repository root. Tests never make timed assertions; this is where performance is tracked.
"""
