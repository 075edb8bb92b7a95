"""The server: the REST API over the store (FastAPI), its worker pool for background runs, and
the option checks that make a run the same document as its CLI command. An optional extra
(`pip install -e .[server]`); nothing in the functional core imports it.
"""
