"""The synthetic force area: people, places, episodes, calls and planted exploitation."""
