"""URL map: public pages, staff pages, the JSON API under /api/, and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from exhume.project.api import api
from exhume.project.health import healthz
from exhume.translations.views import choose_language

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("exhume.publication.urls")),
    path("staff/", include("exhume.casework.urls")),
    path("staff/", include("exhume.identification.urls")),
    path("staff/", include("exhume.imports.urls")),
    path("staff/dna/", include("exhume.dna.urls")),
    path("", include("exhume.maps.urls")),
    path("staff/missing/", include("exhume.families.urls")),
    path("", include("exhume.portal.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("language/", choose_language, name="choose_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
