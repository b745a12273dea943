"""Tests of bot.counting."""
