"""Tests of bot.coproduction."""
