"""The inspection measures: how quickly missing people are graded, reviews on time, children seen
and interviewed on return, repeat missing, harm, exploitation work and RCRP outcomes, broken down
by borough, age, sex, ethnicity and care, with disproportionality against the population.

`definitions` names and defines each measure (docs/measures.md is written from it), `facts`
reads the records into one fact per counted thing, and `service` aggregates them for the
dashboard and `harbour measures` alike.
"""
