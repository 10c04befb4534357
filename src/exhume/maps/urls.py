from django.urls import path

from exhume.maps import views

app_name = "maps"

urlpatterns = [
    path("map/", views.sites_map, name="sites"),
    path("staff/sites/<slug:slug>/plan/", views.site_plan, name="plan"),
]
