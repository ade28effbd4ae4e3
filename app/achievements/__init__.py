"""Achievements: the catalogue, the index page and the per-achievement leaderboards."""
