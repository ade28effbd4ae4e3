"""Cross-cutting web glue: htmx helpers, error pages, template globals, security."""
