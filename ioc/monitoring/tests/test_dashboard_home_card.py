"""The leader's home page leads to the overview."""


def test_leader_home_links_to_the_overview(signed_in, people):
    html = signed_in(people["leader"]).get("/home/").content.decode()
    assert 'href="/giam-sat/"' in html and "Mở tổng quan điều hành" in html
