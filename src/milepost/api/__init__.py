"""The JSON API (``/api/v1``): FastAPI routes over the services."""
