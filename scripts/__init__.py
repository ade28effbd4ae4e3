"""Scripts of the repository (setup, build, serve, test); not a library."""
