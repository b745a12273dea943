"""Tests of bot.polls."""
