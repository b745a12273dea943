"""Words: the typed-command grammar and the help texts."""
