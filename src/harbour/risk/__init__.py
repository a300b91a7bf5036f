"""APP risk assessment: the questionnaire, the versioned grading policy and its suggestions."""
