"""Tests of bot.timing."""
