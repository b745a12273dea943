"""Co-production: groups, facilitators, ideas rounds, answers to reasons, and who is a member."""
