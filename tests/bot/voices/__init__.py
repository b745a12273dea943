"""Tests of bot.voices."""
