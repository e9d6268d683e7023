from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from uppsikt.web.admin_site import UppsiktAdminSite

admin.site.__class__ = UppsiktAdminSite  # every app registers on the default site; it gets our log-in

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/", include("uppsikt.api_urls")),
    path("webhooks/", include("uppsikt.platforms.urls")),
    path("", include("uppsikt.channels.urls")),
    path("", include("uppsikt.accounts.urls")),
    path("", include("uppsikt.inbox.urls")),
    path("", include("uppsikt.web.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
