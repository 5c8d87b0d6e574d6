"""The edges of councilkg: the `councilkg` command line and the FastAPI app."""
