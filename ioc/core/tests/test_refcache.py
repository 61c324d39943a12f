"""Reference caches: loaded once per process, reloaded at once after a change made here, within CHECK_EVERY
seconds after a change made by another process, and at least every MAX_AGE seconds."""

import pytest
from django.core.cache import cache

from ioc.core.models import Unit, UnitKind
from ioc.lib import refcache


@pytest.fixture
def units_cache(db):
    loads = []

    def load():
        loads.append(1)
        return sorted(Unit.objects.values_list("code", flat=True))

    ref = refcache.ReferenceCache("test-units", load, models=[Unit])
    ref.connect()
    yield ref, loads
    refcache._all.remove(ref)
    from django.db.models.signals import post_delete, post_save

    for signal in (post_save, post_delete):
        signal.disconnect(sender=Unit, dispatch_uid=f"{ref.key}:core.unit:{'save' if signal is post_save else 'delete'}")


def test_loaded_once_and_reloaded_after_a_change_here(units_cache):
    ref, loads = units_cache
    assert ref.get() == ref.get() and len(loads) == 1
    Unit.objects.create(code="so-moi", name="Sở mới", kind=UnitKind.DEPARTMENT)
    assert "so-moi" in ref.get() and len(loads) == 2


def test_another_process_change_is_seen_within_a_second(units_cache, monkeypatch):
    ref, loads = units_cache
    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    first = ref.get()
    Unit.objects.bulk_create([Unit(code="so-khac", name="Sở khác", kind=UnitKind.DEPARTMENT)])  # no signal…
    cache.set(ref.key, 12345, timeout=None)  # …and another process bumps the shared version
    clock[0] += refcache.CHECK_EVERY / 2
    assert ref.get() == first and len(loads) == 1  # not read again yet
    clock[0] += refcache.CHECK_EVERY
    assert "so-khac" in ref.get() and len(loads) == 2
    clock[0] += refcache.CHECK_EVERY * 2
    assert len(ref.get()) == len(first) + 1 and len(loads) == 2  # same version: nothing to reload


def test_reloaded_after_max_age_without_any_signal(units_cache, monkeypatch):
    ref, loads = units_cache
    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    ref.get()
    Unit.objects.bulk_create([Unit(code="so-lang-le", name="Sở lặng lẽ", kind=UnitKind.DEPARTMENT)])
    clock[0] += refcache.MAX_AGE + 1
    assert "so-lang-le" in ref.get() and len(loads) == 2
