from .views import dashboards, ingest, sources, wall

app_name = "monitoring"

# Each views module declares its own routes: dashboards (overview, indicators, sensor map), file upload,
# data sources, and the video wall.
urlpatterns = dashboards.urlpatterns + ingest.urlpatterns + sources.urlpatterns + wall.urlpatterns
