"""People: the children and adults Harbour holds records about."""
