"""Administrative areas of the province: loading them offline; finding the commune of an address or a point.

The data comes from the `vietnamadminunits` package, read directly from its files (`dataset.db`, a SQLite
database, and `converter_2025.json`). Nothing here calls the package's geocoding helpers: the IOC runs on a
closed network.

- `load_province()` loads the current province and its communes (two-level system since 1 July 2025), and the
  former provinces, districts and communes it was formed from, each former commune pointing to the current
  commune it became part of (`Area.successor`).
- `resolve_address()` finds the current commune named in a free-text Vietnamese address, old or new style.
- `nearest_commune()` finds the current commune of a map pin from commune centroids.
"""

import copy
import importlib.util
import json
import math
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from unidecode import unidecode

from ioc.lib.refcache import ReferenceCache

from . import audit
from .models import Area, AreaLevel, AuditAction

DEFAULT_PROVINCE_CODE = "24"  # Bắc Ninh since 1 July 2025 (formerly Bắc Ninh 27 + Bắc Giang 24)

AREA_FIELDS = ("name", "short_name", "kind", "level", "parent_id", "successor_id", "latitude", "longitude",
               "area_km2", "search_key")


# --- Keys -----------------------------------------------------------------------------------------


def search_key(text):
    """Accent-free, lowercase, single-spaced form of text: "Phường  Suối Hoa" → "phuong suoi hoa"."""
    text = unidecode(text or "").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _data_dir():
    # Locate the package's data without importing it: its __init__ pulls in the geocoding parts.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is missing: pip install vietnamadminunits==1.0.4.")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def _kind_of(full_name, short_name):
    """'Tỉnh Bắc Ninh', 'Bắc Ninh' → 'Tỉnh'."""
    if full_name.endswith(short_name):
        return full_name[: -len(short_name)].strip() or full_name
    return full_name.split(" ")[0]


# --- Reading the package data ---------------------------------------------------------------------


@dataclass
class _Row:
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    is_current: bool
    latitude: float | None = None
    longitude: float | None = None
    area_km2: float | None = None
    parent: tuple | None = None  # (code, is_current) of the parent
    successor: tuple | None = None  # (code, is_current) of the successor


def _read_province(province_code):
    """The rows to load for one current province, in parent-before-child order, and the former communes
    left without a successor."""
    data = _data_dir()
    with closing(sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        current = db.execute(
            "SELECT * FROM admin_units WHERE provinceCode = ? ORDER BY wardCode", (province_code,)
        ).fetchall()
        if not current:
            raise ValueError(f"Unknown province code {province_code!r} in vietnamadminunits.")
        province_key = current[0]["provinceKey"]
        converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
        former_keys = converter["DICT_PROVINCE"].get(province_key, [])
        placeholders = ",".join("?" * len(former_keys))
        legacy = db.execute(
            f"SELECT * FROM admin_units_legacy WHERE provinceKey IN ({placeholders}) ORDER BY wardCode",
            former_keys,
        ).fetchall() if former_keys else []

    first = current[0]
    province = (province_code, True)
    rows = [_Row(
        code=province_code, name=first["province"], short_name=first["provinceShort"],
        kind=_kind_of(first["province"], first["provinceShort"]), level=AreaLevel.PROVINCE, is_current=True,
        latitude=first["provinceLat"], longitude=first["provinceLon"],
        area_km2=round(sum(r["wardAreaKm2"] or 0 for r in current), 2) or None,
    )]
    code_by_new_key = {}
    for r in current:
        code_by_new_key[r["wardKey"]] = r["wardCode"]
        rows.append(_Row(
            code=r["wardCode"], name=r["ward"], short_name=r["wardShort"], kind=r["wardType"],
            level=AreaLevel.COMMUNE, is_current=True, latitude=r["wardLat"], longitude=r["wardLon"],
            area_km2=r["wardAreaKm2"], parent=province,
        ))

    # Former ward key "province_district_ward" → key of the current commune it became (part of).
    new_key_by_old = {}
    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        for old_key in old_keys:
            new_key_by_old[old_key] = new_key
    for old_key, parts in converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        # A divided ward went to several communes; the converter names the one holding most of it.
        default = next((p for p in parts if p.get("isDefaultNewWard")), parts[0] if parts else None)
        if default:
            new_key_by_old.setdefault(old_key, default["newWardKey"])

    seen = set()
    districts, communes, orphans = [], [], []
    for r in legacy:
        if r["provinceCode"] not in seen:
            seen.add(r["provinceCode"])
            rows.append(_Row(
                code=r["provinceCode"], name=r["province"], short_name=r["provinceShort"],
                kind=_kind_of(r["province"], r["provinceShort"]), level=AreaLevel.PROVINCE, is_current=False,
                latitude=r["provinceLat"], longitude=r["provinceLon"],
            ))
        if r["districtCode"] not in seen:
            seen.add(r["districtCode"])
            districts.append(_Row(
                # Rebuilt from type + short name: the source spells some as "Thị Xã …".
                code=r["districtCode"], name=f"{r['districtType']} {r['districtShort']}",
                short_name=r["districtShort"], kind=r["districtType"], level=AreaLevel.DISTRICT,
                is_current=False, latitude=r["districtLat"], longitude=r["districtLon"],
                parent=(r["provinceCode"], False),
            ))
        if not r["wardCode"]:
            continue
        old_key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        new_code = code_by_new_key.get(new_key_by_old.get(old_key))
        row = _Row(
            code=r["wardCode"], name=f"{r['wardType']} {r['wardShort']}", short_name=r["wardShort"],
            kind=r["wardType"], level=AreaLevel.COMMUNE, is_current=False,
            latitude=r["wardLat"], longitude=r["wardLon"], parent=(r["districtCode"], False),
            successor=(new_code, True) if new_code else None,
        )
        communes.append(row)
        if not new_code:
            orphans.append(f"{row.name} ({r['district']}, {r['province']})")
    return rows + districts + communes, orphans


# --- Loading --------------------------------------------------------------------------------------


def load_province(province_code=DEFAULT_PROVINCE_CODE):
    """Create or update the province's current and former areas; return counts.

    Idempotent: a second run with the same data writes nothing and records nothing in the audit log.
    """
    rows, orphans = _read_province(province_code)
    created = updated = 0
    with transaction.atomic():
        existing = {
            (a.code, a.is_current): a
            for a in Area.objects.filter(code__in={r.code for r in rows})
        }
        # Parents come before children in `rows`; create level by level so parents have keys.
        for level_rows in _by_depth(rows):
            to_create, to_update = [], []
            for row in level_rows:
                values = {
                    "name": row.name, "short_name": row.short_name, "kind": row.kind, "level": row.level,
                    "parent_id": existing[row.parent].pk if row.parent else None,
                    "successor_id": existing[row.successor].pk if row.successor else None,
                    "latitude": row.latitude, "longitude": row.longitude, "area_km2": row.area_km2,
                    "search_key": search_key(row.short_name),
                }
                area = existing.get((row.code, row.is_current))
                if area is None:
                    area = Area(code=row.code, is_current=row.is_current, **values)
                    to_create.append(area)
                    existing[(row.code, row.is_current)] = area
                elif any(getattr(area, field) != value for field, value in values.items()):
                    for field, value in values.items():
                        setattr(area, field, value)
                    to_update.append(area)
            Area.objects.bulk_create(to_create, batch_size=500)
            Area.objects.bulk_update(to_update, AREA_FIELDS, batch_size=500)
            created += len(to_create)
            updated += len(to_update)
            if to_create and to_create[0].pk is None:  # backends that do not return keys
                for area in Area.objects.filter(code__in=[a.code for a in to_create]):
                    existing[(area.code, area.is_current)] = area

        counts = {
            "province": sum(1 for r in rows if r.level == AreaLevel.PROVINCE and r.is_current),
            "communes": sum(1 for r in rows if r.level == AreaLevel.COMMUNE and r.is_current),
            "former_provinces": sum(1 for r in rows if r.level == AreaLevel.PROVINCE and not r.is_current),
            "former_districts": sum(1 for r in rows if r.level == AreaLevel.DISTRICT),
            "former_communes": sum(1 for r in rows if r.level == AreaLevel.COMMUNE and not r.is_current),
            "with_successor": sum(1 for r in rows if r.successor),
            "without_successor": orphans,
            "created": created,
            "updated": updated,
        }
        if created or updated:
            province = rows[0]
            audit.record(
                AuditAction.CREATE if created else AuditAction.UPDATE,
                object_type="core.area", object_id=province.code, object_repr=province.name,
                changes={"created": created, "updated": updated},
                note=(
                    f"Nạp đơn vị hành chính từ vietnamadminunits: {counts['communes']} xã/phường hiện hành, "
                    f"{counts['former_districts']} huyện cũ, {counts['former_communes']} xã/phường cũ."
                ),
            )
    return counts


def _by_depth(rows):
    """Split rows into groups such that every row's parent and successor are in an earlier group."""
    depth = {}
    for row in rows:  # rows are ordered parent-before-child already
        refs = [ref for ref in (row.parent, row.successor) if ref]
        depth[(row.code, row.is_current)] = 1 + max((depth.get(ref, -1) for ref in refs), default=-1)
    groups = {}
    for row in rows:
        groups.setdefault(depth[(row.code, row.is_current)], []).append(row)
    return [groups[d] for d in sorted(groups)]


# --- Resolving an address -------------------------------------------------------------------------

# Abbreviations written in addresses, after accents and punctuation are gone ("TP." → "tp").
_ABBREVIATIONS = {"tp": "thanh pho", "tx": "thi xa", "tt": "thi tran", "p": "phuong", "x": "xa", "h": "huyen",
                  "q": "quan", "t": "tinh", "dk": "dac khu"}
_COMMUNE_WORDS = ("thi tran", "phuong", "xa", "dac khu")
_DISTRICT_WORDS = ("thanh pho", "thi xa", "huyen", "quan")
# A name right after one of these is a street, hamlet or residential group, not a commune.
_NON_COMMUNE_WORDS = ("duong", "pho", "ngo", "ngach", "hem", "kiet", "thon", "xom", "ban", "lang", "khu",
                      "to dan pho", "khu pho", "to", "ap", "so nha", "so")

_TYPED = 10     # the name follows a commune word ("phường Suối Hoa")
_BARE = 5       # the name stands alone ("Suối Hoa, Bắc Ninh")


def _normalise_address(text):
    words = search_key(text).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _word_before(prefix, words):
    """The word of `words` that `prefix` ends with (whole words), or None."""
    for word in words:
        if prefix == word or prefix.endswith(" " + word):
            return word
    return None


@lru_cache(maxsize=2048)
def _pattern(key):
    return re.compile(r"(?<![a-z0-9])" + re.escape(key) + r"(?![a-z0-9])")


def _find(key, text):
    """(start, end, word before) of each whole-word occurrence of key in text."""
    for match in _pattern(key).finditer(text):
        prefix = text[: match.start()].rstrip()
        word = _word_before(prefix, _COMMUNE_WORDS + _DISTRICT_WORDS + ("tinh",) + _NON_COMMUNE_WORDS)
        if word == "xa" and _word_before(prefix, ("thi xa",)):
            word = "thi xa"
        yield match.start(), match.end(), word


def resolve_address(text):
    """The current commune a free-text Vietnamese address falls in, or None when none or several fit.

    Accepts new-style addresses ("Phường Kinh Bắc, tỉnh Bắc Ninh") and old ones naming a former commune and
    district ("phường Suối Hoa, TP Bắc Ninh"), with or without diacritics. Names written after "phường", "xã",
    "thị trấn" or "đặc khu" count more than bare names; a former commune in a district named in the address
    counts more than a namesake elsewhere; among equals, a current commune beats a former one.
    """
    address = _normalise_address(text)
    if not address:
        return None
    areas = list(
        Area.objects.exclude(search_key="")
        .values("id", "search_key", "kind", "level", "is_current", "parent_id", "successor_id")
    )
    by_key = {}
    for area in areas:
        by_key.setdefault(area["search_key"], []).append(area)

    # Provinces and districts first: their spans are not communes ("TP Bắc Ninh", "tỉnh Bắc Giang").
    taken = []
    named_districts = {}  # district id → bonus
    larger_keys = set()
    for key, group in by_key.items():
        for area in group:
            if area["level"] == AreaLevel.COMMUNE:
                continue
            larger_keys.add(key)
            for start, end, word in _find(key, address):
                if area["level"] == AreaLevel.DISTRICT and word in _DISTRICT_WORDS:
                    named_districts[area["id"]] = 3
                    taken.append((start, end))
                elif area["level"] == AreaLevel.PROVINCE and (
                    word == "tinh" or address[end:].strip() in ("", "viet nam")
                ):
                    taken.append((start, end))
                elif area["level"] == AreaLevel.DISTRICT and word not in _COMMUNE_WORDS:
                    named_districts.setdefault(area["id"], 2)

    candidates = []  # (score, current commune id)
    for key, group in by_key.items():
        communes = [a for a in group if a["level"] == AreaLevel.COMMUNE]
        if not communes:
            continue
        for start, end, word in _find(key, address):
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if word in _NON_COMMUNE_WORDS or word in _DISTRICT_WORDS or word == "tinh":
                continue
            if word is None and key.isdigit():
                continue  # "Phường 1" only when typed
            for area in communes:
                if word:
                    score = _TYPED + (2 if search_key(area["kind"]) == word else 0)
                else:
                    # A bare name that is also a district or province name is more likely that.
                    score = _BARE - (2 if key in larger_keys else 0)
                if area["is_current"]:
                    candidates.append((score + 1, area["id"]))
                elif area["successor_id"]:
                    score += named_districts.get(area["parent_id"], 0)
                    candidates.append((score, area["successor_id"]))
    if not candidates:
        return None
    best = max(score for score, _ in candidates)
    winners = {area_id for score, area_id in candidates if score == best}
    if len(winners) != 1:
        return None
    return Area.objects.get(pk=winners.pop())


# --- Nearest commune ------------------------------------------------------------------------------

EARTH_RADIUS_KM = 6371.0088
# We hold centroids and areas, not boundaries. A point belongs to the province's rough extent when it lies
# within this many "equivalent radii" (radius of a disc of the commune's area) of some commune's centroid.
EXTENT_RADII = 2.0
DEFAULT_RADIUS_KM = 3.0  # for communes without a known area


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_commune(lat, lon):
    """The current commune whose centroid is nearest to (lat, lon), or None outside the province.

    An approximation: without boundary polygons, a point near a border may be given the neighbouring commune.
    A point counts as outside when it is farther than EXTENT_RADII equivalent radii from every centroid (a
    fixed distance would not do: central Hà Nội is about 15 km from the nearest Bắc Ninh centroid).
    """
    if lat is None or lon is None:
        return None
    # Within a province, distances on the equirectangular projection differ from great-circle ones by less than
    # 0.1%, and comparing squared distances needs no trigonometry per commune (this runs on every intake).
    km_per_degree = EARTH_RADIUS_KM * math.pi / 180
    x_scale = km_per_degree * math.cos(math.radians(lat))
    best, best_distance, inside = None, math.inf, False
    for area, area_lat, area_lon, extent_squared in COMMUNE_CENTROIDS.get():
        dy, dx = (lat - area_lat) * km_per_degree, (lon - area_lon) * x_scale
        distance = dx * dx + dy * dy
        inside = inside or distance <= extent_squared
        if distance < best_distance:
            best, best_distance = area, distance
    return copy.copy(best) if inside else None  # a copy: callers must not share the cached instance


def _load_commune_centroids():
    """(area, latitude, longitude, squared extent radius in km²) of every located commune."""
    return [(area, area.latitude, area.longitude,
             (EXTENT_RADII * (math.sqrt(area.area_km2 / math.pi) if area.area_km2 else DEFAULT_RADIUS_KM)) ** 2)
            for area in Area.objects.communes().filter(latitude__isnull=False, longitude__isnull=False)]


# Loaded once per process (this runs on every intake with a map pin), reloaded when an Area changes.
COMMUNE_CENTROIDS = ReferenceCache("communes", _load_commune_centroids, models=[Area])
