"""The EU4 map of a save on the server: layers, pictures and province details."""
