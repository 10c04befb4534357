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
    path("graves/<int:pk>/photos/", views.grave_photos, name="grave_photos"),
    path("remains/<int:pk>/photos/", views.remains_photos, name="remains_photos"),
    path(
        "graves/photos/<int:pk>/<str:variant>.jpg",
        views.grave_photo_file,
        name="grave_photo_file",
    ),
    path(
        "remains/photos/<int:pk>/<str:variant>.jpg",
        views.remains_photo_file,
        name="remains_photo_file",
    ),
    path("remains/photos/<int:pk>/liaison/", views.photo_liaison, name="photo_liaison"),
    path("liaison/photos/", views.liaison_photos, name="liaison_photos"),
    path(
        "liaison/photos/<int:pk>/<str:variant>.jpg",
        views.liaison_photo_file,
        name="liaison_photo_file",
    ),
]
