"""Tests of bot.words."""
