"""Links between people, places, vehicles and phones as recorded:
what the network is built from."""
