"""How NGSI-LD names meet the IOC's: Smart Data Models entity types → station kinds, attribute names → metric
codes, UN/CEFACT unit codes → units of measure.

JSON-LD contexts are treated as opaque (no context is ever fetched: the IOC runs on a closed network). An
attribute or type may arrive as a short term (`pm25`) or expanded with one of the URI prefixes below
(`https://smartdatamodels.org/dataModel.Environment/pm25`); both mean the same thing.
"""

import re

from ..models import StationKind

CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
JSONLD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"

# Prefixes under which the usual @contexts expand Smart Data Models terms and the NGSI-LD core terms.
_EXPANDED = re.compile(
    r"^(?:https?://smartdatamodels\.org/(?:dataModel\.[A-Za-z]+/)?"
    r"|https?://uri\.fiware\.org/ns/data-?models#"
    r"|https?://uri\.etsi\.org/ngsi-ld/default-context/"
    r"|https?://uri\.etsi\.org/ngsi-ld/"
    r"|https?://schema\.org/"
    r"|https?://w3id\.org/saref#)"
)


def short_name(term: str) -> str:
    """`https://smartdatamodels.org/dataModel.Environment/pm25` → `pm25`; a short term stays as it is."""
    return _EXPANDED.sub("", term, count=1)


# Entity types this IOC stores as stations, with the kind of station each becomes.
TYPE_KINDS = {
    "AirQualityObserved": StationKind.AIR_QUALITY,
    "WaterObserved": StationKind.WATER_LEVEL,
    "WaterQualityObserved": StationKind.WATER_QUALITY,
    "TrafficFlowObserved": StationKind.TRAFFIC,
    "NoiseLevelObserved": StationKind.NOISE,
    "WeatherObserved": StationKind.WEATHER,
}
# The type a station shows when no NGSI-LD agent named one (stations created by hand or by the demo).
KIND_TYPES = {
    StationKind.AIR_QUALITY: "AirQualityObserved",
    StationKind.WATER_LEVEL: "WaterObserved",
    StationKind.RAINFALL: "WeatherObserved",
    StationKind.WATER_QUALITY: "WaterQualityObserved",
    StationKind.TRAFFIC: "TrafficFlowObserved",
    StationKind.NOISE: "NoiseLevelObserved",
    StationKind.WEATHER: "WeatherObserved",
}

# Smart Data Models attribute → metric codes that may stand for it, tried in order (the first that exists wins).
# An attribute whose name is itself a metric code needs no entry.
ATTRIBUTE_METRICS = {
    "pm25": ("pm25", "pm2_5", "pm2-5"),
    "pm10": ("pm10",),
    "pm1": ("pm1",),
    "no2": ("no2",),
    "no": ("no",),
    "nox": ("nox",),
    "o3": ("o3",),
    "co": ("co",),
    "co2": ("co2",),
    "so2": ("so2",),
    "nh3": ("nh3",),
    "airQualityIndex": ("aqi", "vn_aqi", "airQualityIndex"),
    "temperature": ("temperature", "air_temperature", "water_temperature"),
    "relativeHumidity": ("relativeHumidity", "humidity"),
    "atmosphericPressure": ("atmosphericPressure", "pressure"),
    "windSpeed": ("windSpeed", "wind_speed"),
    "windDirection": ("windDirection", "wind_direction"),
    "precipitation": ("precipitation", "rainfall", "rain"),
    "waterLevel": ("waterLevel", "water_level"),
    "height": ("waterLevel", "water_level", "height"),
    "flow": ("flow", "waterFlow", "water_flow", "discharge"),
    "pH": ("pH", "ph"),
    "turbidity": ("turbidity",),
    "dissolvedOxygen": ("dissolvedOxygen", "do", "dissolved_oxygen"),
    "conductivity": ("conductivity", "ec"),
    "BOD": ("bod", "BOD"),
    "COD": ("cod", "COD"),
    "tss": ("tss",),
    "intensity": ("intensity", "traffic_intensity", "vehicle_count", "vehicles"),
    "averageVehicleSpeed": ("averageVehicleSpeed", "vehicle_speed", "speed"),
    "occupancy": ("occupancy",),
    "LAeq": ("LAeq", "laeq", "noise", "noise_level"),
    "LAmax": ("LAmax", "lamax"),
    "LAS": ("LAS", "las"),
}

# Attributes that describe the entity rather than a measured quantity: never reported as ignored.
DESCRIPTIVE = frozenset({
    "name", "description", "address", "alternateName", "dateObserved", "dateObservedFrom", "dateObservedTo",
    "dateCreated", "dateModified", "createdAt", "modifiedAt", "source", "dataProvider", "refDevice",
    "refPointOfInterest", "refWeatherObserved", "seeAlso", "areaServed", "owner", "typeOfLocation",
    "reliability", "laneId", "laneDirection", "vehicleType", "vehicleSubType", "controlledProperty",
})

_SQUASH = re.compile(r"[^a-z0-9]")


class MetricIndex:
    """Finds the metric an NGSI-LD attribute (or an MQTT payload's metric name) stands for."""

    def __init__(self, metrics):
        self.by_code = {metric.code: metric for metric in metrics}
        self._loose = {}
        self._names = {}
        for metric in self.by_code.values():
            self._loose.setdefault(_SQUASH.sub("", metric.code.lower()), metric)

    @classmethod
    def load(cls):
        from ..models import Metric

        return cls(Metric.objects.all())

    def find(self, name: str):
        """The Metric for an attribute name, or None."""
        name = short_name(name)
        metric = self.by_code.get(name)
        if metric is not None:
            return metric
        for code in ATTRIBUTE_METRICS.get(name, ()):
            metric = self.by_code.get(code)
            if metric is not None:
                return metric
        return self._loose.get(_SQUASH.sub("", name.lower()))

    def attribute_name(self, metric) -> str:
        """The name an entity shows for a metric: the Smart Data Models attribute when the metric's code is one
        of its aliases (aqi → airQualityIndex), else the code itself."""
        name = self._names.get(metric.code)
        if name is None:
            name = metric.code
            if metric.code not in ATTRIBUTE_METRICS:
                for attribute, codes in ATTRIBUTE_METRICS.items():
                    if metric.code in codes and attribute != "height" and self.find(attribute) == metric:
                        name = attribute
                        break
            self._names[metric.code] = name
        return name


# UN/CEFACT common codes (what NGSI-LD's unitCode holds) for the units of measure the IOC uses.
UNIT_CODES = {
    "µg/m³": "GQ", "µg/m3": "GQ", "ug/m3": "GQ", "mg/m³": "GP", "mg/m3": "GP",
    "m": "MTR", "cm": "CMT", "mm": "MMT", "km/h": "KMH", "m/s": "MTS", "m³/s": "MQS", "m3/s": "MQS",
    "°C": "CEL", "oC": "CEL", "%": "P1", "dB": "2N", "dB(A)": "2N", "dBA": "2N", "hPa": "A97",
    "mg/L": "M1", "mg/l": "M1", "ppm": "59", "ppb": "61", "NTU": "NTU", "µS/cm": "G42", "uS/cm": "G42",
    "°": "DD",
}

# Conversions from a unit code a device may send to the unit code of the metric: value × factor + offset.
CONVERSIONS = {
    ("CMT", "MTR"): (0.01, 0.0), ("MMT", "MTR"): (0.001, 0.0), ("MTR", "CMT"): (100.0, 0.0),
    ("MTR", "MMT"): (1000.0, 0.0), ("CMT", "MMT"): (10.0, 0.0), ("MMT", "CMT"): (0.1, 0.0),
    ("GP", "GQ"): (1000.0, 0.0), ("GQ", "GP"): (0.001, 0.0),
    ("KEL", "CEL"): (1.0, -273.15), ("FAH", "CEL"): (5 / 9, -160 / 9),
    ("MTS", "KMH"): (3.6, 0.0), ("KMH", "MTS"): (1 / 3.6, 0.0),
    ("C62", "P1"): (100.0, 0.0),
}


def unit_code_for(unit_of_measure: str) -> str | None:
    return UNIT_CODES.get((unit_of_measure or "").strip())
