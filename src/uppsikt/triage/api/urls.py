from django.urls import path

from .views import TriageView

urlpatterns = [
    path("triage/", TriageView.as_view(), name="triage-decide"),
]
