import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redink.catalogue.models import DailyReaders, Essay
from redink.catalogue.selectors import over_count_phrase
from redink.catalogue.services import essay_withdraw
from redink.testing.factories import SectionFactory, make_essay

pytestmark = pytest.mark.django_db


def essay_text_block(html: str) -> str:
    return html.split('class="essay-text paywalled-content', 1)[1].split(">", 1)[1].split("</div>", 1)[0]


class TestBrowsing:
    def test_level_subject_and_section_pages_list_their_essays_with_counts(self, client, essay, section):
        other = SectionFactory(subject=section.subject, name="Cold War crises", slug="cold-war-crises")
        make_essay(section=other, title="Why did the Berlin Wall go up in 1961?")
        level = client.get("/gcse/")
        assert level.status_code == 200
        assert "2 pieces of student written work" in level.content.decode()
        assert re.search(r"History</span>\s*<span class=\"count\">2 essays", level.content.decode())
        subject = client.get("/gcse/history/")
        assert re.search(r"Cold War crises</span>\s*<span class=\"count\">1 essay<", subject.content.decode())
        section_page = client.get("/gcse/history/international-relations-1945-1991/").content.decode()
        assert essay.title in section_page
        assert "Berlin Wall" not in section_page

    def test_listing_counts_only_published_essays(self, client, essay, section):
        make_essay(section=section, title="Still in review", status=Essay.Status.PENDING)
        gone = make_essay(section=section, title="Taken down")
        essay_withdraw(essay=gone)
        page = client.get("/gcse/history/international-relations-1945-1991/").content.decode()
        assert "1 piece of student written work" in page
        assert "Still in review" not in page and "Taken down" not in page

    def test_sorting_by_most_read_and_newest(self, client, section):
        old_popular = make_essay(section=section, title="Old but popular")
        Essay.objects.filter(pk=old_popular.pk).update(reading_count=500, published_at="2020-01-01T00:00Z")
        make_essay(section=section, title="Brand new")
        url = "/gcse/history/international-relations-1945-1991/"
        newest = client.get(url).content.decode()
        assert newest.index("Brand new") < newest.index("Old but popular")
        most_read = client.get(url + "?sort=most-read").content.decode()
        assert most_read.index("Old but popular") < most_read.index("Brand new")

    def test_pagination(self, client, section, settings):
        settings.REDINK_PAGE_SIZE = 3
        for n in range(7):
            make_essay(section=section, title=f"Paged essay {n}")
        page3 = client.get("/gcse/history/international-relations-1945-1991/?page=3").content.decode()
        assert "Page 3 of 3" in page3
        assert page3.count('class="essay-card"') == 1

    @pytest.mark.parametrize(
        "query", ["?page=abc", "?page=-1", "?page=99999", "?sort=nonsense", "?sort=", "?page=1e9&sort=%00"]
    )
    def test_bad_page_numbers_and_sorts_are_handled(self, client, essay, query):
        response = client.get("/gcse/history/international-relations-1945-1991/" + query)
        assert response.status_code == 200
        assert essay.title in response.content.decode()

    @pytest.mark.parametrize(
        "url",
        ["/no-such-level/", "/gcse/no-such-subject/", "/gcse/history/no-such-section/", "/essays/no-such-essay/"],
    )
    def test_unknown_addresses_get_a_friendly_404(self, client, essay, url):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "We couldn&#x27;t find that page" in body or "We couldn't find that page" in body
        assert 'role="search"' in body

    def test_a_subject_of_another_level_is_not_found(self, client, essay):
        assert client.get("/a-level/history/").status_code == 404

    def test_pending_essay_is_not_found_and_withdrawn_is_gone(self, client, section):
        pending = make_essay(section=section, status=Essay.Status.PENDING)
        assert client.get(pending.get_absolute_url()).status_code == 404
        gone = make_essay(section=section)
        essay_withdraw(essay=gone)
        assert client.get(gone.get_absolute_url()).status_code == 410


class TestListingQueries:
    @pytest.mark.parametrize(
        "url", ["/gcse/", "/gcse/history/", "/gcse/history/international-relations-1945-1991/", "/"]
    )
    def test_same_number_of_queries_for_one_essay_and_for_fifty(self, client, section, url, settings):
        settings.REDINK_PAGE_SIZE = 50
        make_essay(section=section, author=None)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        from redink.testing.factories import UserFactory

        for n in range(49):
            other_section = SectionFactory(subject=section.subject) if n % 10 == 0 else section
            make_essay(section=other_section, author=UserFactory())
        with CaptureQueriesContext(connection) as fifty:
            response = client.get(url)
        assert response.status_code == 200
        assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]


class TestHome:
    def test_home_shows_levels_recent_popular_and_computed_count(self, client, section):
        for n in range(23):
            make_essay(section=section, title=f"Home essay {n}")
        body = client.get("/").content.decode()
        assert "Over 20 pieces of student written work" in body
        assert "Recently added" in body and "Most popular" in body
        assert 'href="/gcse/"' in body
        assert 'action="/search/"' in body

    @pytest.mark.parametrize(
        ("count", "phrase"),
        [
            (0, "0 pieces"),
            (1, "1 piece of"),
            (19, "19 pieces"),
            (20, "Over 10 pieces"),
            (1243, "Over 1,240 pieces"),
            (160000, "Over 159,000 pieces"),
            (1240, "Over 1,230 pieces"),
        ],
    )
    def test_over_count_is_always_true(self, count, phrase):
        assert over_count_phrase(count=count).startswith(phrase)


class TestEssayPage:
    def test_visitor_sees_title_author_breadcrumbs_preview_and_calls_to_action(self, client, essay):
        body = client.get(essay.get_absolute_url()).content.decode()
        assert essay.title in body
        assert essay.author_name in body
        assert 'aria-label="Breadcrumb"' in body and ">History</a>" in body
        assert "This is a preview of the whole essay" in body
        assert "Join now" in body
        assert "Not the one?" in body and "Search for your essay title" in body
        assert essay.paragraphs[-1] not in body

    def test_member_reads_everything(self, client, essay, member):
        client.force_login(member)
        body = client.get(essay.get_absolute_url()).content.decode()
        assert essay.paragraphs[-1] in body
        assert "This is a preview of the whole essay" not in body

    def test_lead_preview_places_join_now_after_the_second_paragraph(self, client, section):
        text = "\n\n".join(f"Paragraph {n} opens here. It has a second sentence too." for n in range(1, 21))
        essay = make_essay(section=section, text=text, preview_style="lead")
        block = essay_text_block(client.get(essay.get_absolute_url()).content.decode())
        paragraphs_before_cta = block.split('class="cta-inline"')[0].count('<p dir="auto">')
        assert paragraphs_before_cta == 2
        assert "Join now" in block

    def test_extracts_preview(self, client, section):
        text = "\n\n".join(f"Paragraph {n} opens here. It has a second sentence too." for n in range(1, 31))
        essay = make_essay(section=section, text=text, preview_style="extracts")
        body = client.get(essay.get_absolute_url()).content.decode()
        assert "Extracts from this document..." in body
        assert body.count("...read more.") == 3
        assert "The above preview is unformatted text" in body
        assert "Paragraph 1 opens here." in body and "Paragraph 30 opens here." in body

    def test_site_setting_chooses_the_style(self, client, section, settings):
        settings.REDINK_PREVIEW_STYLE = "extracts"
        essay = make_essay(section=section, text="\n\n".join(f"Part {n} begins. It goes on." for n in range(30)))
        assert "Extracts from this document..." in client.get(essay.get_absolute_url()).content.decode()

    def test_seo_tags_come_from_the_preview(self, client, essay, settings):
        settings.SITE_URL = "https://redink.example"
        body = client.get(essay.get_absolute_url()).content.decode()
        assert f'<link rel="canonical" href="https://redink.example{essay.get_absolute_url()}">' in body
        description = re.search(r'<meta name="description" content="([^"]*)"', body).group(1)
        assert description and description.rstrip("…")[:40] in essay.paragraphs[0]
        assert re.search(r'<meta property="og:description" content="[^"]+"', body)
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
        assert data["isAccessibleForFree"] is False
        assert data["hasPart"]["@type"] == "WebPageElement"
        assert data["hasPart"]["isAccessibleForFree"] is False
        css_class = data["hasPart"]["cssSelector"].lstrip(".")
        assert f'class="essay-text {css_class}"' in body

    def test_json_ld_cannot_be_broken_out_of(self, client, section):
        essay = make_essay(section=section, title="</script><script>alert(1)</script> and more")
        body = client.get(essay.get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in body

    def test_avatar_generated_from_the_display_name(self, client, section):
        from redink.testing.factories import UserFactory

        essay = make_essay(section=section, author=UserFactory(display_name="Maya Rahman"))
        body = client.get(essay.get_absolute_url()).content.decode()
        assert "Maya Rahman" in body and ">MR</text>" in body
        assert essay.author.email not in body


class TestUnderThePreview:
    def test_the_section_it_belongs_to_is_named_and_linked(self, client, essay, member):
        sentence = (
            'This student written piece of work is one of many that can be found in our <a href="/gcse/">GCSE</a> '
            '<a href="/gcse/history/international-relations-1945-1991/">International relations 1945-1991</a> section.'
        )
        body = client.get(essay.get_absolute_url()).content.decode()
        assert sentence in body
        assert body.index('id="paywall-heading"') < body.index(sentence)
        client.force_login(member)
        assert sentence in client.get(essay.get_absolute_url()).content.decode(), "members see where it belongs too"

    def test_the_library_size_is_stated_from_the_count(self, client, section, member):
        for n in range(23):
            essay = make_essay(section=section, title=f"Library essay {n}")
        body = client.get(essay.get_absolute_url()).content.decode()
        assert "<li>Over 20 pieces of student written work</li>" in body
        client.force_login(member)
        assert "pieces of student written work" not in client.get(essay.get_absolute_url()).content.decode()

    @pytest.mark.parametrize(
        ("busiest_day", "line"),
        [
            (0, None),
            (50, None),
            (51, "Join over 50 students every month"),
            (1243, "Join over 1,240 students every month"),
        ],
    )
    def test_join_over_n_students_only_when_n_is_worth_saying(self, client, essay, busiest_day, line):
        today = timezone.localdate()
        if busiest_day:
            DailyReaders.objects.create(day=today - timedelta(days=2), readers=busiest_day)
            DailyReaders.objects.create(day=today, readers=busiest_day // 2)
        body = client.get(essay.get_absolute_url()).content.decode()
        if line is None:
            assert "Join over" not in body
        else:
            assert f"<li>{line}</li>" in body

    def test_readers_counted_by_the_beacon_make_the_figure(self, client, essay):
        for n in range(1, 52):
            client.post(f"/essays/{essay.slug}/read/", REMOTE_ADDR=f"192.0.2.{n}")
        assert "Join over 50 students every month" in client.get(essay.get_absolute_url()).content.decode()

    def test_the_figures_are_counted_once_for_many_views(self, client, section):
        essay = make_essay(section=section)
        assert "1 piece of student written work" in client.get(essay.get_absolute_url()).content.decode()
        make_essay(section=section, title="Another")
        with CaptureQueriesContext(connection) as queries:
            body = client.get(essay.get_absolute_url()).content.decode()
        assert "1 piece of student written work" in body, "kept for minutes, not recounted"
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "essay" in q["sql"]]
        assert not counts, counts

    def test_the_page_costs_a_fixed_few_queries(self, client, essay, member):
        """The essay with its taxonomy and author in one query, its related cards (in the same
        query on PostgreSQL), its rendered text and reviews and the library's figures by key
        (queries only while the cache is SQLite's own table); a member adds the session, the
        account, the entitlement and their reading list (for "Save" or "Saved"), and needs no
        figures."""
        for viewer, most in ((None, 4), (member, 7)):
            if viewer:
                client.force_login(viewer)
            client.get(essay.get_absolute_url())
            with CaptureQueriesContext(connection) as queries:
                assert client.get(essay.get_absolute_url()).status_code == 200
            assert len(queries) <= most, [q["sql"] for q in queries.captured_queries]

    def test_no_promise_of_teachers_marks_or_comments(self, client, section):
        text = "\n\n".join(f"Paragraph {n} opens here. It has a second sentence too." for n in range(1, 21))
        for style in ("lead", "extracts"):
            body = client.get(make_essay(section=section, text=text, preview_style=style).get_absolute_url())
            page = body.content.decode().replace("&#x27;", "'")
            assert "Members read every essay in full." in page
            assert "teachers' marks" not in page and "margin comments" not in page and "comments." not in page


class TestReadingCount:
    def test_beacon_counts_once_per_visitor(self, client, essay):
        url = f"/essays/{essay.slug}/read/"
        assert client.post(url).status_code == 204
        assert client.post(url).status_code == 204
        assert client.post(url, REMOTE_ADDR="10.1.2.3").status_code == 204
        essay.refresh_from_db()
        assert essay.reading_count == 2

    def test_a_forged_forwarded_for_does_not_count_again(self, client, essay, settings):
        """Without a proxy of ours in front, X-Forwarded-For is the client's own word: ignored."""
        url = f"/essays/{essay.slug}/read/"
        for n in range(30):
            client.post(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        essay.refresh_from_db()
        assert essay.reading_count == 1
        # Behind one proxy, the entry that proxy appended is the client's; what precedes it is not.
        settings.TRUSTED_PROXY_COUNT = 1
        for n in range(30):
            client.post(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7")
        essay.refresh_from_db()
        assert essay.reading_count == 2

    def test_beacons_past_the_per_minute_limit_are_ignored(self, client, section, settings):
        settings.REDINK_BEACON_PER_MINUTE = 3
        essays = [make_essay(section=section, title=f"Beacon essay {n}") for n in range(5)]
        for item in essays:
            assert client.post(f"/essays/{item.slug}/read/").status_code == 204
        counts = [type(item).objects.get(pk=item.pk).reading_count for item in essays]
        assert counts == [1, 1, 1, 0, 0]
        assert client.post(f"/essays/{essays[4].slug}/read/", REMOTE_ADDR="192.0.2.8").status_code == 204
        assert type(essays[4]).objects.get(pk=essays[4].pk).reading_count == 1, "another address still counts"

    def test_beacon_is_never_cached(self, client, essay):
        response = client.post(f"/essays/{essay.slug}/read/")
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    def test_cached_page_still_counts(self, client, essay):
        """The page itself is shareable; the count comes from the beacon it names."""
        page = client.get(essay.get_absolute_url())
        assert "public" in page["Cache-Control"]
        beacon = re.search(r'data-read-url="([^"]+)"', page.content.decode()).group(1)
        client.post(beacon)
        essay.refresh_from_db()
        assert essay.reading_count == 1

    def test_unknown_essay(self, client):
        assert client.post("/essays/nope/read/").status_code == 404


class TestCacheHeaders:
    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/gcse/",
            "/gcse/history/",
            "/gcse/history/international-relations-1945-1991/",
            "essay",
            "/no-such-level/",
        ],
    )
    def test_anonymous_pages_are_shareable(self, client, essay, path, settings):
        settings.REDINK_SHARED_CACHE_SECONDS = 123
        response = client.get(essay.get_absolute_url() if path == "essay" else path)
        assert "public" in response["Cache-Control"] and "s-maxage=123" in response["Cache-Control"]
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies

    def test_logged_in_pages_are_private(self, client, essay, student):
        client.force_login(student)
        for path in ["/", essay.get_absolute_url(), "/gcse/"]:
            response = client.get(path)
            assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]

    def test_login_page_sets_csrf_cookie_so_is_private(self, client):
        response = client.get("/accounts/login/")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]


class TestSitemapAndRobots:
    def test_sitemap_lists_published_essays_and_listings(self, client, essay, section):
        pending = make_essay(section=section, status=Essay.Status.PENDING)
        gone = make_essay(section=section)
        essay_withdraw(essay=gone)
        body = client.get("/sitemap.xml").content.decode()
        assert essay.get_absolute_url() in body
        assert "/gcse/history/international-relations-1945-1991/" in body
        assert pending.get_absolute_url() not in body and gone.get_absolute_url() not in body

    def test_robots_points_at_the_sitemap(self, client):
        body = client.get("/robots.txt").content.decode()
        assert "Sitemap: " in body and "/sitemap.xml" in body
        assert "Disallow: /admin/" in body
