"""The entity network: links between people, places, phones and vehicles."""
