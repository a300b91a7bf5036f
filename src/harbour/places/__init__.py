"""Places and vehicles: the addresses, venues and cars that link people together."""
