"""Identity resolution: which records, in Harbour or in an analyst's file, describe one person.

A probabilistic record-linkage model built on Splink (issue 5): the comparisons and blocking rules
Harbour uses for records of people, trained without labels, saved and reloadable, and the
`harbour identity` commands that run it over CSV files.
"""
