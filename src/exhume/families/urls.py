from __future__ import annotations

from django.urls import path

from exhume.families import views

app_name = "families"
urlpatterns = [
    path("", views.missing, name="missing"),
    path("<int:pk>/", views.missing_detail, name="missing_detail"),
]
