"""Who you are: organisations, teams, user accounts, sign-in sessions and API tokens."""
