"""Links in e-mails name the address the site is served on (SITE_URL)."""

from redink.core.links import site_url, site_url_for


def test_a_path_on_the_site(settings):
    settings.SITE_URL = "http://127.0.0.1:8101"
    assert site_url("/contribute/uploads/") == "http://127.0.0.1:8101/contribute/uploads/"
    assert site_url() == "http://127.0.0.1:8101/"


def test_a_link_built_from_another_host_moves_onto_the_site(settings):
    settings.SITE_URL = "https://essays.example.org"
    assert (
        site_url_for("http://127.0.0.1:8010/accounts/confirm-email/a:b/?next=/x/#top")
        == "https://essays.example.org/accounts/confirm-email/a:b/?next=/x/#top"
    )
    assert site_url_for("/accounts/signup/") == "https://essays.example.org/accounts/signup/"
