"""Copy the front-end files the IOC serves from node_modules into build/vendor (served as /static/vendor/).

Only what pages use is copied, so collectstatic stays small. Run by `make` after `npm ci`.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
TARGET = ROOT / "build" / "vendor"

FILES = {
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "alpine/alpine-csp.min.js": "@alpinejs/csp/dist/cdn.min.js",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images": "leaflet/dist/images",
    "markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "axe/axe.min.js": "axe-core/axe.min.js",
}
# Read by the server, which inlines the few a page needs (category icons): not served as static files.
SERVER_FILES = {"lucide": "lucide-static/icons"}
SERVER_TARGET = ROOT / "build" / "icons"


def main():
    missing = [src for src in [*FILES.values(), *SERVER_FILES.values()] if not (NODE / src).exists()]
    if missing:
        sys.exit(f"Missing in node_modules (run npm ci): {', '.join(missing)}")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for dest, src in FILES.items():
        source, target = NODE / src, TARGET / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
            source_map = source.with_name(source.name + ".map")
            if source_map.exists():  # referenced from the file: the manifest storage needs it
                shutil.copy2(source_map, target.with_name(target.name + ".map"))
    if SERVER_TARGET.exists():
        shutil.rmtree(SERVER_TARGET)
    for dest, src in SERVER_FILES.items():
        shutil.copytree(NODE / src, SERVER_TARGET / dest)


if __name__ == "__main__":
    main()
