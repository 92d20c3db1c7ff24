"""The HTTP API: FastAPI app factory, one router per resource, problem+json errors."""

from graph_service.api.app import create_app

__all__ = ["create_app"]
