"""Benchmarks: each module here with a ``main()`` measures one thing against a baseline run in
the same invocation and prints a table (median, spread, ratio). Not part of ``make test``.

Run all with ``make bench`` (``python -m benchmarks``) or one with ``python -m benchmarks.<name>``.
"""
