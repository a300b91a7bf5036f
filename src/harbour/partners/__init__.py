"""Partners in Harbour: information-sharing agreements and what they let partners see."""
