"""Keeping results: runs stored with their scenario, options and engine version."""
