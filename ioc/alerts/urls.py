from .views import events, publication, rules

app_name = "alerts"

# Staff pages (canh-bao/…: events, rules) and the public CAP publication (alerts/cap.atom, alerts/<id>.cap.xml).
urlpatterns = rules.urlpatterns + events.urlpatterns + publication.urlpatterns
