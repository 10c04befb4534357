from __future__ import annotations

from django.urls import path

from exhume.publication import views

app_name = "publication"
urlpatterns = [
    path("", views.home, name="home"),
    path("sites/<slug:slug>/", views.site_page, name="site"),
    path(
        "sites/<slug:slug>/releases/<str:label>/<str:name>",
        views.release_file,
        name="release_file",
    ),
]
