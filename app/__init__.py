"""Chronicle: the web application (Litestar)."""
