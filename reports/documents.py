"""A report's document settings as configured by a ward or a city, with the defaults of NĐ 30/2020 filled in.

The rules (place name, default addressee and recipients) are in reports.exports.addressing, where the
PDF reads them too.
"""

from reports.exports.addressing import document_settings
from reports.models import DocumentSettings
from wards.models import City, Ward


def unit_scope(city: City, ward: Ward | None) -> dict:
    """The scope dict of a city or ward, as reports.summaries writes it into a snapshot."""
    return {"city": city.name, "ward": ward.name if ward else None, "code": ward.code if ward else city.code}


def document_settings_for(city: City, ward: Ward | None) -> dict:
    """The effective document settings of the city's (ward None) or the ward's reports, defaults filled in."""
    row = DocumentSettings.objects.filter(city=city, ward=ward).first()
    values = {name: getattr(row, name) for name in DocumentSettings.FIELDS} if row else None
    return document_settings(unit_scope(city, ward), values)
