"""The web app: scenarios and forecasts over HTTP (FastAPI), an optional extra."""
