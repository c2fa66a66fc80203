"""What of the contributions each user reads and changes, and the sums pages and reports ask for.

Every sum is one aggregate query grouped by kind (and source, or ward): never a loop over rows.
"""

from datetime import date

from django.db.models import Count, Q, Sum

from portal import scope
from portal.scope import WardScopedQuerySet
from portal.vietnamese import fold


def edit_ward_ids(user) -> frozenset[int] | None:
    """The wards whose contributions the user records and corrects: ward staff and the ward leader of their
    own ward(s); None for administrators (every ward)."""
    current = scope.scope_of(user)
    if current.is_admin:
        return None
    return current.edit_ward_ids | current.review_ward_ids


def can_edit_contributions(user, ward) -> bool:
    """May the user record, correct and delete the contributions of this ward?"""
    wards = edit_ward_ids(user)
    return wards is None or ward.pk in wards


class ContributionQuerySet(WardScopedQuerySet):
    ward_path = "ward"

    def editable_by(self, user):
        """Contributions of the wards whose staff or leader the user is; everything for administrators."""
        wards = edit_ward_ids(user)
        return self if wards is None else self.filter(ward_id__in=wards)

    def received_within(self, start: date, end: date):
        """Received between `start` and `end`, both included."""
        return self.filter(received_on__gte=start, received_on__lte=end)

    def search(self, text: str):
        """Contributor or unit (neighbourhood, or the ward for a ward-wide one) containing `text`, accents and
        case aside: "dinh huong" finds "Đình Hương"."""
        key = fold(text)
        if not key:
            return self
        return self.filter(
            Q(contributor_key__contains=key)
            | Q(neighbourhood__search_key__contains=key)
            | Q(neighbourhood__isnull=True, ward__search_key__contains=key)
        )

    def totals_by_kind_and_source(self) -> list[dict]:
        """One row per kind and source present: kind, source, amount (the sum) and count. One query."""
        return list(
            self.order_by()
            .values("kind", "source")
            .annotate(amount=Sum("amount"), count=Count("pk"))
            .order_by("kind", "source")
        )

    def totals_by_ward_and_kind(self) -> list[dict]:
        """One row per ward and kind present: ward_id, kind, amount and count. One query."""
        return list(
            self.order_by()
            .values("ward_id", "kind")
            .annotate(amount=Sum("amount"), count=Count("pk"))
            .order_by("ward_id", "kind")
        )


class ContributionImportQuerySet(WardScopedQuerySet):
    ward_path = "ward"

    def pending(self):
        return self.filter(status="pending")

    def done(self):
        return self.filter(status="done")
