"""Saves: upload, storage, listing, download, edit and delete."""
