from .views import citizen, hotline, public, publication, staff, stats

app_name = "feedback"

# Each views module declares its own routes: intake and tracking, the citizen's own pages, the hotline,
# the public map and list, staff work spaces, statistics and exports.
urlpatterns = (public.urlpatterns + citizen.urlpatterns + hotline.urlpatterns + publication.urlpatterns
               + staff.urlpatterns + stats.urlpatterns)
