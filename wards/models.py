"""Administrative units, their yearly profiles, and who belongs to which.

Units are never deleted: a unit that was merged or renamed gets `valid_to` and
the unit(s) that replaced it (`successors`), so results and profiles that point
at it keep their meaning.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal import scope
from portal.scope import Role, WardScopedQuerySet
from portal.vietnamese import fold, nfc

# The length of a unit's search key, as of its name: folding seldom shortens a name and can lengthen it
# (a Korean syllable unfolds into two or three letters), so the key is cut to fit its column.
SEARCH_KEY_LENGTH = 200


def search_key(name: str | None) -> str:
    """The search key stored for a unit's name: fold(name), at most SEARCH_KEY_LENGTH characters."""
    return fold(name)[:SEARCH_KEY_LENGTH]


class UnitQuerySet(models.QuerySet):
    def search(self, term: str | None):
        """Accent-insensitive search on the name ("dong cuong" finds "Đông Cương")."""
        key = search_key(term)
        if not key:
            return self
        return self.filter(search_key__contains=key)

    def current(self, on: date | None = None):
        """Units in existence on `on` (today by default)."""
        on = on or date.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=on)
        )


class CityQuerySet(UnitQuerySet):
    def visible_to(self, user):
        """Cities a user reads: all for administrators, their own for leaders, their ward's city for ward users."""
        current = scope.scope_of(user)
        if current.is_admin:
            return self
        return self.filter(Q(id__in=current.city_ids) | Q(wards__id__in=current.read_ward_ids)).distinct()


class WardQuerySet(UnitQuerySet, WardScopedQuerySet):
    ward_path = ""


class NeighbourhoodQuerySet(UnitQuerySet, WardScopedQuerySet):
    ward_path = "ward"


class Unit(models.Model):
    """What every administrative unit has: a name, a search key and its dates."""

    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, editable=False, db_index=True)
    valid_from = models.DateField(_("exists from"), null=True, blank=True)
    valid_to = models.DateField(
        _("exists until"), null=True, blank=True, help_text=_("The day it was merged, split or dissolved.")
    )
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("replaced by")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.search_key = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to > date.today()


class City(Unit):
    """The top unit a deployment serves: a province (tỉnh) or a city (thành phố)."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CENTRAL_CITY = "thanh_pho_tw", _("Centrally-run city")
        CITY = "thanh_pho", _("Provincial city")
        TOWN = "thi_xa", _("Town")

    code = models.CharField(_("official code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROVINCE)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = _("city or province")
        verbose_name_plural = _("cities and provinces")
        ordering = ["search_key"]


class Ward(Unit):
    """A commune-level unit: phường, xã, thị trấn or đặc khu, with its official code."""

    class Kind(models.TextChoices):
        WARD = "phuong", _("Ward (phường)")
        COMMUNE = "xa", _("Commune (xã)")
        TOWNSHIP = "thi_tran", _("Township (thị trấn)")
        SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")

    class Zone(models.TextChoices):
        PLAINS = "dong_bang", _("Plains")
        MOUNTAINOUS = "mien_nui", _("Mountainous")
        COASTAL = "ven_bien", _("Coastal or island")

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="wards", verbose_name=_("city"))
    code = models.CharField(_("official code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    zone = models.CharField(_("zone"), max_length=20, choices=Zone.choices, default=Zone.PLAINS)

    objects = WardQuerySet.as_manager()

    class Meta:
        verbose_name = _("ward or commune")
        verbose_name_plural = _("wards and communes")
        ordering = ["search_key"]


class Neighbourhood(Unit):
    """A unit under a ward: phố, thôn, tổ dân phố, khu phố or bản."""

    class Kind(models.TextChoices):
        STREET = "pho", _("Street quarter (phố)")
        VILLAGE = "thon", _("Village (thôn)")
        RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group (tổ dân phố)")
        QUARTER = "khu_pho", _("Quarter (khu phố)")
        HAMLET = "ban", _("Hamlet (bản)")

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="neighbourhoods", verbose_name=_("ward"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["ward__search_key", "search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "search_key"],
                condition=Q(valid_to__isnull=True),
                name="one_current_neighbourhood_per_name",
                violation_error_message=_("This ward already has a neighbourhood of that name."),
            )
        ]


class PartyCell(Unit):
    """A party cell (chi bộ) of a ward, usually of one neighbourhood."""

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="party_cells", verbose_name=_("ward"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_cells",
        verbose_name=_("neighbourhood"),
    )

    objects = NeighbourhoodQuerySet.as_manager()  # party cells belong to a ward the same way

    class Meta:
        verbose_name = _("party cell")
        verbose_name_plural = _("party cells")
        ordering = ["ward__search_key", "search_key"]


class ProfileQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year)

    def visible_to(self, user):
        """Profiles of the wards a user reads and of their neighbourhoods."""
        if scope.scope_of(user).is_admin:
            return self
        return self.filter(scope.ward_filter(user, via="ward") | scope.ward_filter(user, via="neighbourhood__ward"))


class Profile(models.Model):
    """A unit's yearly figures: households, people, poor and near-poor, party members.

    Belongs to exactly one ward or one neighbourhood. Several indicators are
    ratios of these (poor households ÷ households).
    """

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="profiles", verbose_name=_("ward")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("neighbourhood"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("households"))
    people = models.PositiveIntegerField(_("people"))
    poor_households = models.PositiveIntegerField(_("poor households"), default=0)
    near_poor_households = models.PositiveIntegerField(_("near-poor households"), default=0)
    party_members = models.PositiveIntegerField(_("party members"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProfileQuerySet.as_manager()

    FIGURES = ("households", "people", "poor_households", "near_poor_households", "party_members")

    class Meta:
        verbose_name = _("yearly profile")
        verbose_name_plural = _("yearly profiles")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ward__isnull=False) & Q(neighbourhood__isnull=True))
                | (Q(ward__isnull=True) & Q(neighbourhood__isnull=False)),
                name="profile_belongs_to_one_unit",
            ),
            models.UniqueConstraint(fields=["ward", "year"], name="one_profile_per_ward_year"),
            models.UniqueConstraint(fields=["neighbourhood", "year"], name="one_profile_per_neighbourhood_year"),
            models.CheckConstraint(
                condition=Q(poor_households__lte=F("households"))
                & Q(near_poor_households__lte=F("households") - F("poor_households"))
                & Q(households__lte=F("people")),
                name="profile_figures_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"

    @property
    def unit(self):
        return self.ward or self.neighbourhood

    @property
    def poor_rate(self) -> float | None:
        """Share of poor households, in percent."""
        return 100 * self.poor_households / self.households if self.households else None


class Membership(models.Model):
    """A user's role in a unit. Scope follows from these rows (portal/scope.py)."""

    Role = Role  # the roles are scope's to define (portal/scope.py)
    WARD_ROLES = scope.WARD_ROLES

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("city")
    )
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("ward")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=["ward_staff", "ward_leader"]) & Q(ward__isnull=False) & Q(city__isnull=True))
                | (Q(role="city_leader") & Q(city__isnull=False) & Q(ward__isnull=True))
                | (Q(role="admin") & Q(ward__isnull=True)),
                name="membership_unit_fits_role",
                violation_error_message=_("Ward roles need a ward; a city leader needs a city."),
            ),
            models.UniqueConstraint(fields=["user", "role", "ward", "city"], name="one_membership_per_role_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.ward or self.city or ''}"
