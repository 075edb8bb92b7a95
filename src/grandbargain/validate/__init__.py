"""Scoring models against real outcomes: the case library reader, the DEU scorer and the
validation tables."""
