"""The server: the REST API over the store (FastAPI), its worker pool for background runs, the
option checks that make a run the same document as its CLI command, and the web app's pages
under /app (templates and static files ship inside the package). An optional extra
(`pip install -e .[server]`); nothing in the functional core imports it.
"""
