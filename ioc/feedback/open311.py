"""Open311 GeoReport v2 server (being written)."""

urlpatterns = []
