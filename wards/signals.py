"""Signals the units layer sends for the layers above it, which it must not import.

`units_changed(ward_ids=[…])`: neighbourhoods of those wards were created, retired or re-dated, all at once
(a merge, an import); campaigns.results.rollups recounts those wards once. Inside `units_batch()`, single
saves of neighbourhoods are gathered and announced once at the end instead of one by one.
"""

import threading
from contextlib import contextmanager

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from wards.models import Neighbourhood

units_changed = Signal()

_batch = threading.local()


def is_batching() -> bool:
    return getattr(_batch, "ward_ids", None) is not None


@contextmanager
def units_batch():
    """Gather the wards whose neighbourhoods are saved inside, and send `units_changed` once for them."""
    if is_batching():
        yield
        return
    _batch.ward_ids = set()
    try:
        yield
        ward_ids = _batch.ward_ids
    finally:
        _batch.ward_ids = None
    if ward_ids:
        units_changed.send(sender=Neighbourhood, ward_ids=sorted(ward_ids))


@receiver(post_save, sender=Neighbourhood, dispatch_uid="units_batch_gather")
def _gather(sender, instance: Neighbourhood, **kwargs) -> None:
    if is_batching():
        _batch.ward_ids.add(instance.ward_id)
