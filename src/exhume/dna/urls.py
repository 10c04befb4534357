from __future__ import annotations

from django.urls import path

from exhume.dna import views

app_name = "dna"
urlpatterns = [
    path("sites/<slug:slug>/samples/", views.samples, name="samples"),
    path("samples/<str:barcode>/", views.sample, name="sample"),
    path("coded/<str:code>/", views.coded_sample, name="coded_sample"),
    path("sites/<slug:slug>/families/", views.families, name="families"),
    path("families/<int:pk>/", views.family, name="family"),
    path("families/<int:pk>/pedigree.svg", views.pedigree_svg, name="pedigree_svg"),
    path("sites/<slug:slug>/consent/", views.consents, name="consents"),
    path("consent/form/", views.consent_form, name="consent_blank"),
    path("consent/<str:barcode>/", views.consent, name="consent"),
    path("consent/<str:barcode>/form/", views.consent_form, name="consent_form"),
]
