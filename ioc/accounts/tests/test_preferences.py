"""Language, larger text and high contrast persist: on the account, or in a cookie for visitors."""

from django.urls import reverse


def test_visitor_switches_to_english(client, db):
    response = client.post(reverse("core:pref_language"), {"language": "en", "next": "/"})
    assert response.cookies["ioc_language"].value == "en"
    page = client.get("/").content.decode()
    assert 'lang="en"' in page


def test_signed_in_language_is_saved_on_the_account(people, signed_in):
    client = signed_in(people["officer"])
    client.post(reverse("core:pref_language"), {"language": "en"})
    people["officer"].refresh_from_db()
    assert people["officer"].language == "en"


def test_unknown_language_falls_back_to_vietnamese(client, db):
    response = client.post(reverse("core:pref_language"), {"language": "xx"})
    assert response.cookies["ioc_language"].value == "vi"


def test_visitor_toggles_high_contrast_with_a_cookie(client, db):
    client.post(reverse("core:pref_toggle", args=["high_contrast"]), {"next": "/"})
    assert 'class=" high-contrast"' in client.get("/").content.decode()
    client.post(reverse("core:pref_toggle", args=["high_contrast"]), {"next": "/"})
    assert "high-contrast" not in client.get("/").content.decode().split("<body")[0]


def test_large_text_persists_on_the_account(people, signed_in):
    client = signed_in(people["citizen"])
    client.post(reverse("core:pref_toggle", args=["large_text"]), {"next": "/home/"})
    people["citizen"].refresh_from_db()
    assert people["citizen"].large_text
    assert 'class="large-text"' in client.get(reverse("core:home")).content.decode()


def test_unknown_toggle_is_404(client, db):
    assert client.post(reverse("core:pref_toggle", args=["is_superuser"])).status_code == 404


def test_redirect_stays_on_this_site(client, db):
    response = client.post(reverse("core:pref_toggle", args=["large_text"]), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_pages_open_in_vietnamese_whatever_the_browser_language(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page


def test_api_honours_the_requested_language(client, db):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
