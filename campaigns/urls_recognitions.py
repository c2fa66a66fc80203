"""Recognitions and party-cell ratings; included into the "campaigns" namespace (no app_name here)."""

from django.urls import path

from campaigns.views import recognitions

urlpatterns = [
    path("recognitions/", recognitions.recognition_list, name="recognition-list"),
    path("recognitions/candidates/<int:year>/", recognitions.recognition_candidates, name="recognition-candidates"),
    path("recognitions/<int:pk>/decide/", recognitions.recognition_decide, name="recognition-decide"),
    path("party-cells/<str:code>/<int:year>/", recognitions.party_cells, name="party-cells"),
]
