"""Duplicate suggestions (*phản ánh trùng*): open reports of the same category, close by and alike in text.

A candidate must be
- open and not merged into another report, of the same category, received in the last WINDOW_DAYS days;
- within the category's `duplicate_radius_m` of the report's point (a latitude/longitude bounding box first,
  served by the (latitude, longitude) index, then the exact great-circle distance); a report without a point
  is compared with the reports of its commune instead;
- alike in text: the Jaccard similarity of the character trigrams of both descriptions, folded to plain ASCII
  (unidecode: "Đèn hỏng" and "den hong" are the same text) and without the most common function words, is at
  least SIMILARITY_THRESHOLD. 0.2 separates, on Vietnamese reports, two descriptions of the same broken light,
  spill or flooded crossroads (0.44–0.92) from two different problems in the same street (0.04–0.15). The words
  every report uses to say where and when (đường, trước, số nhà, gần, tối, hôm…) are left out: with them, a fallen
  tree and a dark street lamp "on the road last night" scored 0.24.

Suggestions are ordered by similarity × proximity (proximity falls from 1 at the same spot to 0.5 at the edge
of the radius), best first. Staff decide; nothing is merged automatically.
"""

import math
import re
from datetime import timedelta
from functools import lru_cache

from django.db.models import Q
from django.utils import timezone
from unidecode import unidecode

from ioc.core.areas import haversine_km

from .models import Report

WINDOW_DAYS = 30
SIMILARITY_THRESHOLD = 0.2
METRES_PER_DEGREE = 111_320
# Folded Vietnamese function words that every report contains; "den" is not one of them (đèn = lamp).
STOPWORDS = frozenset(
    "bi va cua co rat khong nhieu o tai da dang nay cac nhung mot duoc cho voi la thi the tu trong ra vao lam "
    "roi qua nua hay cung van con nen ma neu khi luc gi ai ay kia do "
    # where and when: road, in front of, number, house, near, section, day, evening, on, under, beside
    "duong truoc sau so nha gan doan ngay toi hom tren duoi ben canh".split()
)
# Only so much of a description is compared: the first lines say what the problem is.
MAX_TEXT = 1500


@lru_cache(maxsize=4096)
def trigrams(text):
    """The set of character trigrams of the accent-folded words of text (pg_trgm style, padded words)."""
    words = re.sub(r"[^a-z0-9]+", " ", unidecode((text or "")[:MAX_TEXT]).lower()).split()
    grams = set()
    for word in words:
        if word in STOPWORDS:
            continue
        padded = f"  {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity(a, b):
    """Trigram Jaccard similarity of two texts, 0 to 1."""
    ga, gb = trigrams(a), trigrams(b)
    union = len(ga | gb)
    return len(ga & gb) / union if union else 0.0


def _bounding_box(lat, lon, radius_m):
    dlat = radius_m / METRES_PER_DEGREE
    dlon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return Q(latitude__gte=lat - dlat, latitude__lte=lat + dlat, longitude__gte=lon - dlon, longitude__lte=lon + dlon)


def _candidates(category, now):
    return (Report.objects.open().filter(category=category, merged_into__isnull=True,
                                         received_at__gte=now - timedelta(days=WINDOW_DAYS)))


def _score(candidates, *, latitude, longitude, description, radius_m, limit):
    """Keep the candidates near enough and alike enough, best first, with .similarity, .distance_m, .score."""
    found = []
    for other in candidates:
        if latitude is not None and other.latitude is not None:
            distance = haversine_km(latitude, longitude, other.latitude, other.longitude) * 1000
            if distance > radius_m:
                continue
            proximity = 1 - 0.5 * distance / radius_m if radius_m else 1.0
        else:
            distance, proximity = None, 0.5  # same commune, place unknown
        alike = similarity(description, other.description)
        if alike < SIMILARITY_THRESHOLD:
            continue
        other.similarity, other.distance_m = round(alike, 3), None if distance is None else round(distance)
        other.score = alike * proximity
        found.append(other)
    found.sort(key=lambda r: (-r.score, r.received_at))
    return found[:limit]


def _nearby(category, *, latitude, longitude, area_id, now):
    qs = _candidates(category, now)
    if latitude is not None and longitude is not None:
        return qs.filter(_bounding_box(latitude, longitude, category.duplicate_radius_m))
    if area_id is not None:
        return qs.filter(area_id=area_id)
    return None


def suggest_duplicates(report, limit=5):
    """Open reports that may describe the same problem as report, most likely first."""
    now = timezone.now()
    qs = _nearby(report.category, latitude=report.latitude, longitude=report.longitude, area_id=report.area_id,
                 now=now)
    if qs is None:
        return []
    qs = qs.exclude(pk=report.pk).select_related("category", "area", "lead_unit")
    return _score(qs, latitude=report.latitude, longitude=report.longitude, description=report.description,
                  radius_m=report.category.duplicate_radius_m, limit=limit)


def suggest_for_intake(category, lat, lon, description, limit=5):
    """Public reports a citizen about to send a report may recognise as theirs ("đã có người phản ánh").

    Only public reports (public category, not rejected, not merged) are offered, since the citizen sees them.
    """
    if category is None or lat is None or lon is None or not (description or "").strip():
        return []
    qs = _nearby(category, latitude=lat, longitude=lon, area_id=None, now=timezone.now())
    qs = qs.public().select_related("category", "area")
    return _score(qs, latitude=lat, longitude=lon, description=description, radius_m=category.duplicate_radius_m,
                  limit=limit)


def duplicate_counts(reports):
    """{report pk: number of suggested duplicates} for a page of reports, in one query."""
    reports = [r for r in reports if r.latitude is not None and r.longitude is not None]
    if not reports:
        return {}
    now = timezone.now()
    area = Q()
    for r in reports:
        area |= Q(category_id=r.category_id) & _bounding_box(r.latitude, r.longitude, r.category.duplicate_radius_m)
    pool = list(Report.objects.open().filter(area, merged_into__isnull=True,
                                             received_at__gte=now - timedelta(days=WINDOW_DAYS))
                .only("pk", "category_id", "latitude", "longitude", "description", "received_at"))
    counts = {}
    for r in reports:
        same = [o for o in pool if o.category_id == r.category_id and o.pk != r.pk]
        counts[r.pk] = len(_score(same, latitude=r.latitude, longitude=r.longitude, description=r.description,
                                  radius_m=r.category.duplicate_radius_m, limit=len(same)))
    return counts
