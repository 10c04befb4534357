from __future__ import annotations

from django.urls import path

from exhume.portal import views

app_name = "portal"
urlpatterns = [
    path("family/report/", views.report, name="report"),
    path("family/status/<str:token>/", views.status, name="status"),
    path("staff/family-reports/", views.reports, name="reports"),
    path("staff/family-reports/<int:pk>/", views.report_detail, name="report_detail"),
]
