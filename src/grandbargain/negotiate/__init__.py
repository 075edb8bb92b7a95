"""Alternating-offers negotiation between principals (time-dependent, tit-for-tat and
best-response strategies) over the packages of a scenario."""
