"""Local analysis on the server's side: the page, the bundle's URLs, the token table."""
