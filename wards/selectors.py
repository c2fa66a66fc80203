"""Units as a user may reach them: one object by its code or id, or 404 when it is outside their scope."""

from django.http import Http404

from wards.models import City, Neighbourhood, Ward


def get_city_for_user(user, code: str) -> City:
    try:
        return City.objects.visible_to(user).get(code=code)
    except City.DoesNotExist:
        raise Http404 from None


def get_ward_for_user(user, code: str) -> Ward:
    try:
        return Ward.objects.visible_to(user).select_related("city").get(code=code)
    except Ward.DoesNotExist:
        raise Http404 from None


def get_neighbourhood_for_user(user, pk) -> Neighbourhood:
    try:
        return Neighbourhood.objects.visible_to(user).select_related("ward__city").get(pk=pk)
    except (Neighbourhood.DoesNotExist, ValueError):
        raise Http404 from None
