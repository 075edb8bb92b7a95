"""Rendering results for people and tools: terminal tables (rich, imported lazily), JSON and CSV,
HTML reports and charts."""
