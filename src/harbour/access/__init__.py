"""One access policy for every read and write: who may do what, to which records."""
