"""The missing episode: from the report to closure."""
