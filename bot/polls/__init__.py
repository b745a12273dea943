"""Polls: their kinds, ballots, counting and closing, announcements, and the decision log."""
