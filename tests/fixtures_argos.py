"""Filled in by the translation work."""
