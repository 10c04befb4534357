from __future__ import annotations

from django.urls import path

from exhume.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.index, name="index"),
    path("sites/<slug:slug>/graves/", views.graves, name="graves"),
    path("sites/<slug:slug>/journal/", views.journal, name="journal"),
    path("sites/<slug:slug>/remains/", views.remains_list, name="remains"),
    path("remains/<int:pk>/", views.remains_detail, name="remains_detail"),
]
