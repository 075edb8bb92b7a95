"""Event timelines: dated events that change a scenario (truce expiries, summits), and forecasts
along them."""
