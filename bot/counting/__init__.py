"""Counting: pure tallies, ranked and weighted counts, group rules and outcomes."""
