"""A person's whole record, composed from each domain's services."""
