"""Filled in by the database work."""
