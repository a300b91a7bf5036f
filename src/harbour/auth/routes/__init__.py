"""Sign-in, the account page and its tokens (`pages`), user administration (`admin`), and how a
request's cookie or bearer token becomes an actor (`resolve`)."""
