"""docs/openapi.yaml documents every route of the console API, and nothing that isn't one."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.app import create_app

SPEC = Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml"


def test_every_console_api_route_is_documented(settings_for, clock):
    app = create_app(settings_for(with_messenger=False), clock)
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith("/console/api")
        and route.method != "HEAD"
    }
    spec = yaml.safe_load(SPEC.read_text())
    documented = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete", "patch"}
    }
    assert served == documented
