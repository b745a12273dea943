"""Voices: contributions, the balance of voices, nudges and the involvement record."""
