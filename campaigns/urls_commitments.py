"""Commitments (cam kết) and the city's requests to sign them; included into the "campaigns" namespace."""

from django.urls import path

from campaigns.views import commitments

urlpatterns = [
    path("commitments/", commitments.commitment_list, name="commitment-list"),
    path("commitments/new/", commitments.commitment_create, name="commitment-create"),
    path("commitments/<int:pk>/", commitments.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/close/", commitments.commitment_close, name="commitment-close"),
    path("commitments/<int:pk>/document/", commitments.commitment_document, name="commitment-document"),
    path("commitment-requests/new/", commitments.request_create, name="commitment-request-create"),
    path("commitment-requests/<int:pk>/", commitments.request_detail, name="commitment-request-detail"),
]
