"""The /api/v1/ root: each domain app contributes its own api/urls.py."""

from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path

API_APPS = ["channels", "policies", "inbox", "triage", "platforms", "records"]

urlpatterns = []
for _app in API_APPS:
    _mod = f"uppsikt.{_app}.api.urls"
    if find_spec(f"uppsikt.{_app}.api") and find_spec(_mod):
        urlpatterns.append(path("", include(import_module(_mod))))
