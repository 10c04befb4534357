from __future__ import annotations

from django.urls import path

from exhume.imports import views

app_name = "imports"
urlpatterns = [
    path("sites/<slug:slug>/import/", views.upload, name="upload"),
]
