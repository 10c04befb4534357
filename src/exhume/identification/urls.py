from __future__ import annotations

from django.urls import path

from exhume.identification import views

app_name = "identification"
urlpatterns = [
    path("sites/<slug:slug>/board/", views.board, name="board"),
    path("sites/<slug:slug>/board/run/", views.start_run, name="start_run"),
    path("sites/<slug:slug>/board/run/status/", views.run_status, name="run_status"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/report/", views.report_page, name="report"),
    path("proposals/<int:pk>/after/<slug:what>/", views.after_decision, name="after_decision"),
    path("proposals/<int:pk>/<slug:step>/", views.sign, name="sign"),
]
