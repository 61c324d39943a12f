"""Reference tables (communes, categories, routing rules) kept in each process and reloaded when they change.

Intake reads the same few hundred reference rows for every report; loading them once per process saves
several queries per request. Any process that saves or deletes a row of the watched models bumps a version
number in the shared cache; the process that made the change reloads on its next read, every other process
within CHECK_EVERY seconds (the version is read from the shared cache at most that often, not on every read: a
busy intake reads four of these caches per request). A reload also happens at least every MAX_AGE seconds, for
changes made without model signals (queryset.update(), raw SQL, another tool).
"""

import threading
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

MAX_AGE = 300
CHECK_EVERY = 1.0  # seconds between two reads of the shared version

_all = []


class ReferenceCache:
    def __init__(self, name, loader, *, models, m2m=()):
        self.key = f"refcache:{name}"
        self.loader = loader
        self.models = models
        self.m2m = m2m  # many-to-many fields (Model.field) whose changes count too
        self._value = None
        self._version = None
        self._loaded_at = 0.0
        self._checked_at = 0.0
        self._lock = threading.Lock()
        _all.append(self)

    def connect(self):
        """Watch the models (call from an AppConfig.ready())."""
        for model in self.models:
            uid = f"{self.key}:{model._meta.label_lower}"
            post_save.connect(self._changed, sender=model, weak=False, dispatch_uid=uid + ":save")
            post_delete.connect(self._changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for descriptor in self.m2m:
            m2m_changed.connect(self._changed, sender=descriptor.through, weak=False,
                                dispatch_uid=f"{self.key}:{descriptor.through._meta.label_lower}")

    def _changed(self, **kwargs):
        self.bump()
        if connection.in_atomic_block:
            # Again once the change is visible to other connections, so nobody keeps what it read in between.
            transaction.on_commit(self.bump)

    def bump(self):
        cache.set(self.key, time.time_ns(), timeout=None)
        self._version = None

    def get(self):
        now = time.monotonic()
        if (self._version is not None and now - self._checked_at < CHECK_EVERY
                and now - self._loaded_at <= MAX_AGE):
            return self._value
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, time.time_ns(), timeout=None)
            version = cache.get(self.key)
        if self._version is None or version != self._version or now - self._loaded_at > MAX_AGE:
            with self._lock:
                self._value = self.loader()
                self._version, self._loaded_at = version, now
        self._checked_at = now
        return self._value


def reset_all():
    """Forget every loaded value (tests: each test starts from its own database state)."""
    for ref in _all:
        ref._version = None
        ref._value = None
