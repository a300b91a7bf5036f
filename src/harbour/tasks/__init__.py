"""Tasks (enquiries, strategy meetings, screenings) with owners and due times, and the in-app
notifications that tell people about new work and handovers."""
