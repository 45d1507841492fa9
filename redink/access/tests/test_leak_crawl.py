"""The paywall leak crawl.

Essays whose every sentence carries a unique marker word are published; then, as an
anonymous visitor and as a free student, every URL pattern Django knows is requested
(path arguments filled from the test data) together with every link found on the pages,
and no marker of a hidden sentence may appear in any response body or header. A new URL
pattern whose arguments this test cannot fill makes it fail, so new routes are covered
without anyone editing it.

Teachers' reviews are planted too: what they write quotes hidden sentences and carries markers
of its own, in published, draft and hidden reviews, in a moderator's reason for hiding one and
in a teacher's comment bank. Their stars, names and marks are public; none of their words may
reach a visitor or a free student either.

So are teachers' margin comments: each quotes a hidden sentence (its passage) and carries markers
of its own (its words), on every essay with something hidden, including one a moderator hid
(with a reason carrying markers), one on the essay since withdrawn, and one that lost its
passage when the writer deleted the sentence it quoted (through the service that saves a new
text). Visitors are told how many comments there are, on the essay page and in its Web
Annotation collection, and shown none of them.

The JSON API (/api/v1/) is crawled the same way: its URL patterns are among Django's, its
listings' `next` addresses (cursor pages) are followed like links, it is searched for hidden
words and phrases, and the free student walks it a second time with a personal access token,
as an app would call it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import resolve
from django.urls.exceptions import Resolver404

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.catalogue.services import essay_publish, essay_save_text, essay_withdraw
from redink.marking.comments import comment_add, comment_hide
from redink.marking.models import AssessmentObjective, BankComment, MarginComment, MarkBand, Review
from redink.marking.selectors_comments import comment_count
from redink.marking.services import ReviewInput, review_hide, review_save
from redink.reading.services import reading_list_save
from redink.testing import leaks
from redink.testing.factories import SectionFactory, SubjectFactory, UserFactory, make_essay
from redink.testing.leaks import Fetched, Responses, urls_for_every_pattern

# Every sentence carries two markers, so a search for one of them that echoes the query
# still reveals a leak through the other.
MARKER = re.compile(r"mk\d{2}w\d{3}[xy]")


def marker(essay_no: int, sentence_no: int) -> str:
    return f"mk{essay_no:02d}w{sentence_no:03d}x"


def marked_text(essay_no: int, *, paragraphs: int, sentences: int, long_first: bool = False) -> str:
    """Paragraphs of sentences, each sentence carrying its own marker word."""
    out, k = [], 0
    for p in range(paragraphs):
        parts = []
        for s in range(sentences):
            k += 1
            if long_first and p == 0 and s == 0:
                filler = " ".join(["the long opening clause goes on"] * 40)
                parts.append(f"This opening sentence is very long, {filler}, and ends with {marker(essay_no, k)}.")
            else:
                twin = marker(essay_no, k)[:-1] + "y"
                parts.append(f"Sentence {k} of paragraph {p + 1} discusses {marker(essay_no, k)} and {twin} in detail.")
        out.append(" ".join(parts))
    return "\n\n".join(out)


@dataclass
class LeakWorld:
    essays: list[Essay]
    hidden: set[str] = field(default_factory=set)
    shown: dict[str, tuple[set[str], str]] = field(default_factory=dict)  # path -> (markers shown, opening)
    bindings: list[dict[str, str]] = field(default_factory=list)
    # Markers written only in reviews, hiding reasons and comment banks (also in `hidden`).
    review_markers: set[str] = field(default_factory=set)
    # Essay path -> what its page shows everyone about its published reviews.
    reviewed: dict[str, list[str]] = field(default_factory=dict)
    # Markers written only in margin comments and the reason for hiding one (also in
    # `review_markers` and `hidden`).
    comment_markers: set[str] = field(default_factory=set)
    # Essay path -> how many margin comments a reader of the whole essay sees on it.
    commented: dict[str, int] = field(default_factory=dict)


REVIEW_MARKS = (("AO1", 12, 9), ("AO2", 12, 7))  # code, out of, marks given


def hidden_sentences(essay: Essay) -> list[str]:
    """Sentences of the essay none of whose words a visitor's preview shows."""
    visible = set(MARKER.findall(essay_text_for(essay=essay, viewer=None).text))
    sentences = re.findall(r"[^.]*?\bmk\d{2}w\d{3}x[^.]*\.", essay.body)
    return [s.strip() for s in sentences if not set(MARKER.findall(s)) & visible]


def plant_reviews(world: LeakWorld, *, essays: list[Essay], withdrawn: Essay, subject) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Reviews whose words quote the hidden part of their essay and carry markers of their own;
    returns path bindings for the marking routes."""
    objectives = []
    for n, (code, most, _) in enumerate(REVIEW_MARKS):
        objective = AssessmentObjective.objects.create(
            subject=subject, code=code, title=f"Objective {code}", max_marks=most, position=n
        )
        MarkBand.objects.create(objective=objective, label="Level 1", low=0, high=most, descriptor="Any answer.")
        objectives.append(objective)
    teachers = [UserFactory(is_verified_teacher=True, display_name=name) for name in ("Crawl Teacher", "Second Marker")]
    counter = iter(range(1, 1000))

    def own_markers(count: int) -> str:
        words = [marker(90 + len(world.review_markers) // 900, next(counter)) for _ in range(count)]
        world.review_markers.update(words)
        return " ".join(words)

    def write(essay: Essay, teacher, *, publish: bool = True) -> Review:  # type: ignore[no-untyped-def]
        quoted = hidden_sentences(essay)
        assert quoted, f"{essay.slug} has no hidden sentence to quote"
        data = ReviewInput(
            stars=4,
            strengths=f"The passage “{quoted[0]}” is the essay at its best. {own_markers(3)}",
            next_steps=f"Rework “{quoted[-1]}”\n\nThen compare {own_markers(3)} with the opening.",
            overall="Grade 7",
            marks={o.pk: given for o, (_, _, given) in zip(objectives, REVIEW_MARKS, strict=True)},
        )
        return review_save(essay=essay, teacher=teacher, data=data, publish=publish)

    reviews = []
    for n, essay in enumerate(essays):
        if essay.word_count < 40:  # one sentence: nothing hidden to quote
            continue
        reviews.append(write(essay, teachers[0]))
        if n % 2 == 0:
            reviews.append(write(essay, teachers[1]))
        world.reviewed[essay.get_absolute_url()] = [teachers[0].public_name, "9 / 12", "7 / 12", "16 / 24"]
    # A draft, and a published review a moderator then hid (with a reason quoting it).
    write(essays[1], UserFactory(is_verified_teacher=True, display_name="Drafting Teacher"), publish=False)
    hidden = write(essays[2], UserFactory(is_verified_teacher=True, display_name="Hidden Teacher"))
    moderator = UserFactory(is_staff=True)
    review_hide(review=hidden, moderator=moderator, reason=f"It quotes too much: {own_markers(2)}")
    # The withdrawn essay was reviewed while it was published.
    write(withdrawn, teachers[0])
    comment = BankComment.objects.create(
        teacher=teachers[0], text=f"Reuse this: {own_markers(2)}", objective_code="AO1"
    )
    world.hidden |= world.review_markers
    return {"review_id": str(reviews[0].pk), "comment_id": str(comment.pk)}


def plant_comments(world: LeakWorld, *, essays: list[Essay], shortened: Essay, withdrawn: Essay) -> list[str]:
    """Margin comments on hidden sentences, with words carrying markers of their own; returns
    the comments' ids, every one of which the crawl asks for at each comment address.

    Call before the shown and hidden markers are worked out: this saves a new text of
    `shortened`, without the sentence one of its comments quoted."""
    teachers = [
        UserFactory(is_verified_teacher=True, display_name=name) for name in ("Margin Teacher", "Other Annotator")
    ]
    counter = iter(range(1, 1000))

    def own_markers(count: int) -> str:
        words = [marker(80, next(counter)) for _ in range(count)]
        world.comment_markers.update(words)
        return " ".join(words)

    def comment(essay: Essay, teacher, sentence: str) -> MarginComment:  # type: ignore[no-untyped-def]
        start = essay.body.index(sentence)
        return comment_add(
            essay=essay,
            teacher=teacher,
            body=f"This is where the argument turns: {own_markers(3)}.\n\nCompare {own_markers(2)}.",
            start=start,
            end=start + len(sentence),
            quote=sentence,
            text_version=essay.text_version,
        )

    placed: dict[Essay, int] = {}
    comments = []
    for n, essay in enumerate([*essays, withdrawn]):
        quoted = hidden_sentences(essay)
        if not quoted:  # one sentence: nothing hidden to comment on
            continue
        comments.append(comment(essay, teachers[0], quoted[0]))
        placed[essay] = 1
        if n % 2 == 0 and len(quoted) > 1:
            comments.append(comment(essay, teachers[1], quoted[-1]))
            placed[essay] += 1
    # A comment a moderator hid, with a reason that quotes it.
    quoted = hidden_sentences(essays[2])
    moderated = UserFactory(is_verified_teacher=True, display_name="Hidden Annotator")
    hidden = comment(essays[2], moderated, quoted[len(quoted) // 2])
    comment_hide(comment=hidden, moderator=UserFactory(is_staff=True), reason=f"Too harsh: {own_markers(2)}")
    comments.append(hidden)
    # Comments on an essay whose writer then deleted the sentence one of them quoted: that one
    # loses its passage (an orphan), the other is carried to the new text.
    sentences = hidden_sentences(shortened)
    assert len(sentences) >= 2, f"{shortened.slug} has too little hidden to shorten"
    lost = comment(shortened, teachers[0], sentences[-2])
    kept = comment(shortened, teachers[1], sentences[-1])
    essay_save_text(essay=shortened, text=shortened.body.replace(sentences[-2], ""))
    lost.refresh_from_db()
    kept.refresh_from_db()
    assert lost.is_orphan and not kept.is_orphan and kept.text_version == shortened.text_version == 2
    # What the deleted sentence said is in no text any more, and in the orphan's quote.
    assert sentences[-2] not in shortened.body and lost.exact == sentences[-2]
    world.hidden |= set(MARKER.findall(sentences[-2]))
    placed[shortened] = 1
    comments += [lost, kept]

    for essay, count in placed.items():
        if essay != withdrawn:
            assert comment_count(essay=essay) == count
            world.commented[essay.get_absolute_url()] = count
    world.review_markers |= world.comment_markers
    world.hidden |= world.comment_markers
    return [str(c.pk) for c in comments]


@pytest.fixture
def leak_world(db, student) -> LeakWorld:  # type: ignore[no-untyped-def]
    history = SubjectFactory(name="History", slug="history")
    cold_war = SectionFactory(subject=history, name="Cold War", slug="cold-war")
    tudors = SectionFactory(subject=history, name="Tudors", slug="tudors")
    specs = [
        dict(section=cold_war, text=marked_text(1, paragraphs=6, sentences=6)),
        dict(section=cold_war, text=marked_text(2, paragraphs=8, sentences=5), preview_style="extracts"),
        dict(section=tudors, text=marked_text(3, paragraphs=3, sentences=4, long_first=True)),
        dict(section=tudors, text=marked_text(4, paragraphs=40, sentences=12)),  # over the 800-word cap
        dict(section=tudors, text=marked_text(5, paragraphs=1, sentences=1)),  # one sentence
        dict(section=cold_war, text=marked_text(6, paragraphs=4, sentences=4), is_teacher_marked=True),
    ]
    essays = [
        make_essay(title=f"Question {n} about the causes of change", status=Essay.Status.PUBLISHED, **spec)
        for n, spec in enumerate(specs, start=1)
    ]
    # Essays nobody may read a word of: one awaiting review, one withdrawn.
    pending = make_essay(
        title="An essay awaiting review",
        section=cold_war,
        text=marked_text(7, paragraphs=3, sentences=3),
        status=Essay.Status.PENDING,
    )
    withdrawn = make_essay(title="A withdrawn essay", section=tudors, text=marked_text(8, paragraphs=3, sentences=3))
    # Published, commented on, then shortened by its writer (see plant_comments).
    shortened = make_essay(
        title="Question 9 about the causes of change",
        section=tudors,
        text=marked_text(9, paragraphs=3, sentences=4),
        status=Essay.Status.PUBLISHED,
    )

    world = LeakWorld(essays=[*essays, shortened])
    margin_comment_ids = plant_comments(world, essays=essays, shortened=shortened, withdrawn=withdrawn)
    for essay in world.essays:
        every = set(MARKER.findall(essay.body))
        preview = essay_text_for(essay=essay, viewer=None).text
        assert preview.split(), f"{essay.slug}: the preview is empty"
        visible = set(MARKER.findall(preview))
        world.shown[essay.get_absolute_url()] = (visible, preview[:60])
        world.hidden |= every - visible
    world.hidden |= set(MARKER.findall(pending.body)) | set(MARKER.findall(withdrawn.body))
    assert len(world.hidden) > 400
    marking_ids = plant_reviews(world, essays=essays, withdrawn=withdrawn, subject=history)
    essay_withdraw(essay=withdrawn)
    assert len(world.review_markers) > 50 and len(world.reviewed) >= 4
    assert len(world.comment_markers) > 40 and len(world.commented) >= 5

    essay_ct = ContentType.objects.get_for_model(Essay)
    for essay in [*world.essays, pending, withdrawn]:
        world.bindings.append(
            {
                "slug": essay.slug,
                "level": essay.level.slug,
                "subject": essay.subject.slug,
                "section": essay.section.slug,
                "object_id": str(essay.pk),
                "content_type_id": str(essay_ct.pk),
                "app_label": "catalogue",
                "id": str(student.pk),
                "key": "not-a-real-key",
                "token": "not-a-real-token",
                # Another reader's reading-list entry, and the author page of the essay's author.
                "item_id": "1",
                "name": essay.author.public_name if essay.author else "Crawl Teacher",
                "uidb36": "1z",
                "url": "no-such-admin-page/",
                "submission_id": "1",
                "match_id": "1",
                "takedown_id": "1",
                "plan": "monthly",
                "session_id": "cs_no_such_session",
                "portal_id": "bps_no_such_session",
                "application_id": "1",
                "token_id": "1",
                "rest": "no-such-endpoint/",  # the API's catch-all, answering JSON 404s
                **marking_ids,
            }
        )
    # Margin comments have addresses by `comment_id` too (a comment bank's is in marking_ids):
    # every comment's, visible, hidden, lost or on the withdrawn essay, is asked for.
    for comment_id in margin_comment_ids:
        world.bindings.append({**world.bindings[0], "comment_id": comment_id})
    # Addresses that do not exist must give friendly pages that leak nothing either.
    # (<int:…> arguments get a number nothing has.)
    numeric = {"application_id", "review_id", "comment_id", "token_id"}
    world.bindings.append({k: "987654" if k in numeric else f"missing-{k}" for k in world.bindings[0]})
    return world


def crawl(client: Client, start: set[str], *, token: str = "", under: str = "/", follow: bool = True) -> Responses:
    """GET every start URL and every same-site link found under `under`, breadth first
    (redink.testing.leaks), sending `token` as an API client does when there is one."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def fetch(url: str) -> Fetched:
        response = client.get(url, headers=headers)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        return Fetched(response.status_code, list(response.headers.items()), raw.decode("utf-8", errors="replace"))

    return leaks.crawl(fetch, start, hosts=["testserver", "127.0.0.1:8000"], under=under, follow=follow)


def markers_in(text: str) -> set[str]:
    return set(MARKER.findall(leaks.unescape_json(text)))


def assert_no_leak(world: LeakWorld, responses: dict[str, tuple[int, str]], who: str, *, pages: bool = True) -> None:
    """No hidden marker anywhere, no 5xx, no 429; with `pages`, every essay page was met whole."""
    # A page may repeat what the requester typed into it (a search box); nothing more.
    found = leaks.leaks_in(responses, world.hidden, markers_in)
    assert not found, f"hidden text reached {who} at: {found}"
    for path, (visible, opening) in world.shown.items() if pages else ():
        status, text = responses[path]
        assert status == 200, f"{path} answered {status}"
        assert opening in text, f"{path} does not show the opening of its preview to {who}"
        assert visible <= set(MARKER.findall(text)), f"{path} does not show its whole preview to {who}"
    assert all(status < 500 for status, _ in responses.values()), {u: s for u, (s, _) in responses.items() if s >= 500}
    # A crawl of "please slow down" pages would prove nothing: the limits are raised for it.
    limited = [url for url, (status, _) in responses.items() if status == 429]
    assert not limited, f"the crawl met rate limits at {limited[:5]}"


def extra_urls(world: LeakWorld) -> set[str]:
    """Channels that take input: searches for hidden words must not echo hidden text."""
    some_hidden = sorted(m for m in world.hidden if m.endswith("x"))[::20]
    searches = {f"/search/?q={word}" for word in some_hidden}
    searches |= {f"/search/?q={word}&sort=newest" for word in some_hidden[:5]}
    searches |= {f"/search/?q=discusses+{word}" for word in some_hidden[:5]}
    searches |= {f"/search/suggest/?q={word}" for word in some_hidden}
    searches |= {"/search/?q=sentence+detail", "/search/?q=paragraph", "/search/suggest/?q=question"}
    # Phrases of hidden sentences, and the same words in another order.
    searches |= {f'/search/?q="discusses+{word}+and"' for word in some_hidden[:5]}
    searches |= {f'/search/?q="and+{word}+discusses"' for word in some_hidden[:5]}
    return searches | {"/sitemap.xml", "/robots.txt"} | api_urls(world)


API = "/api/v1"


def api_urls(world: LeakWorld) -> set[str]:
    """The API's addresses that take query parameters (its patterns come filled in with the
    rest): listings in small pages, so their `next` cursors are followed, and searches for
    hidden words and phrases, as the search page is searched."""
    essay = world.essays[0]
    scope = f"level={essay.level.slug}&subject={essay.subject.slug}"
    urls = {f"{API}/essays/?limit=2&sort={sort}" for sort in ("newest", "most-read", "best-rated")}
    urls |= {f"{API}/essays/?{scope}&limit=2", f"{API}/essays/?{scope}&section={essay.section.slug}&marked=true"}
    some_hidden = sorted(m for m in world.hidden if m.endswith("x"))[::40]
    urls |= {f"{API}/search/?q={word}" for word in some_hidden}
    urls |= {f"{API}/search/?q=discusses+{word}&sort=newest" for word in some_hidden[:3]}
    urls |= {f'{API}/search/?q="discusses+{word}+and"' for word in some_hidden[:3]}
    urls |= {f'{API}/search/?q="and+{word}+discusses"' for word in some_hidden[:3]}
    return urls | {f"{API}/search/?q=sentence+detail&{scope}", f"{API}/search/?q=paragraph&marked=true"}


def assert_the_api_was_walked(world: LeakWorld, responses: Responses, who: str) -> None:
    """The API answered the crawl with what a visitor may see: each essay's preview, its
    reviews' public parts, how many margin comments it has; and its cursor pages were followed."""
    for essay in world.essays:
        path = f"{API}/essays/{essay.slug}/"
        status, text = responses[path]
        visible = world.shown[essay.get_absolute_url()][0]
        assert status == 200 and visible <= markers_in(text), f"{path} does not give {who} the essay's preview"
        assert '"complete":false' in text.replace(" ", ""), f"{path} tells {who} the preview is complete"
    for page, public in world.reviewed.items():
        status, text = responses[f"{API}{page}reviews/"]
        assert status == 200 and public[0] in text and '"with_text":false' in text.replace(" ", "")
    for page, count in world.commented.items():
        status, text = responses[f"{API}{page}annotations/"]
        collection = json.loads(text[text.index('{"@context"') :])
        assert status == 200 and collection["total"] == count and collection["first"]["items"] == []
    assert any("cursor=" in url for url in responses), f"no cursor page of an API listing was followed for {who}"


@pytest.fixture
def raised_limits(settings):  # type: ignore[no-untyped-def]
    """Rate limits far above what a crawl of some thousands of pages asks."""
    settings.REDINK_SEARCHES_PER_MINUTE = settings.REDINK_SUGGESTIONS_PER_MINUTE = 1_000_000
    settings.REDINK_BEACON_PER_MINUTE = settings.REDINK_TAKEDOWNS_PER_HOUR = 1_000_000
    settings.REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN = settings.REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS = 1_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous visitor", "free student"])
def test_no_hidden_word_reaches_a_visitor_or_free_student(leak_world, student, client, who, raised_limits):
    if who == "free student":
        client.force_login(student)
        reading_list_save(user=student, essay=leak_world.essays[0])  # their reading list shows its card
    start = urls_for_every_pattern(leak_world.bindings) | extra_urls(leak_world)
    responses = crawl(client, start)
    assert len(responses) >= len(start)
    print(f"leak crawl as {who}: {len(start)} start URLs from every pattern, {len(responses)} responses checked")
    planted = len(leak_world.hidden)
    print(
        f"  {planted} hidden markers planted, {len(leak_world.review_markers)} of them in reviews, reasons and "
        f"comment banks; {Review.objects.count()} reviews on {len(leak_world.reviewed)} essays; "
        f"{MarginComment.objects.count()} margin comments ({len(leak_world.comment_markers)} markers of their own)"
    )
    assert_no_leak(leak_world, responses, who)
    # The crawl reached every published essay through links, not only through the patterns.
    for essay in leak_world.essays:
        assert essay.get_absolute_url() in responses
    # What every reader may see of the reviews is there: the crawl looked at pages with reviews.
    for path, public in leak_world.reviewed.items():
        _, text = responses[path]
        assert all(part in text for part in public), f"{path} does not show its reviews' stars, names and marks"
        assert "Join to read what the teachers wrote" in text
    # And the pages with margin comments: their number, on the page and in the annotations.
    for path, count in leak_world.commented.items():
        _, text = responses[path]
        phrase = f"Annotated by experienced teachers: {count} comment{'s' if count != 1 else ''}"
        assert phrase in text, f"{path} does not say how many margin comments it has"
        status, text = responses[path + "annotations.jsonld"]
        collection = json.loads(text[text.index('{"@context"') :])  # after the headers
        assert status == 200 and collection["total"] == count and collection["first"]["items"] == []
    assert_the_api_was_walked(leak_world, responses, who)


@pytest.mark.django_db
def test_no_hidden_word_reaches_a_free_student_through_the_api_with_a_token(leak_world, student, client, raised_limits):
    """An app holding a free student's token reads what the student's pages show, no more."""
    from redink.api.tokens import token_create

    token = token_create(user=student, name="Leak crawl", scope="read_write").token
    reading_list_save(user=student, essay=leak_world.essays[0])
    start = {url for url in urls_for_every_pattern(leak_world.bindings) | api_urls(leak_world) if url.startswith(API)}
    responses = crawl(client, start, token=token, under=f"{API}/")
    print(f"leak crawl through the API with a free student's token: {len(responses)} responses checked")
    assert_no_leak(leak_world, responses, "a free student's token", pages=False)
    assert_the_api_was_walked(leak_world, responses, "a free student's token")
    status, text = responses[f"{API}/me/reading-list/"]
    assert status == 200 and leak_world.essays[0].slug in text


@pytest.mark.django_db
def test_the_crawl_would_catch_a_leak(leak_world, member, client):
    """A member legitimately sees hidden words: the same check must then report them."""
    client.force_login(member)
    essay = leak_world.essays[0]
    responses = crawl(client, {essay.get_absolute_url()})
    with pytest.raises(AssertionError, match="hidden text reached"):
        assert_no_leak(leak_world, responses, "a member")


@pytest.mark.django_db
def test_the_crawl_would_catch_a_leak_through_the_api(leak_world, member, client):
    """A member's token reads an essay, its reviews and its comments in full through the API:
    judged by what a visitor may read, each of those answers is reported as a leak."""
    from redink.api.tokens import token_create

    token = token_create(user=member, name="Member's app", scope="read").token
    essay = next(e for e in leak_world.essays if e.get_absolute_url() in leak_world.reviewed)
    assert essay.get_absolute_url() in leak_world.commented
    addresses = {f"{API}/essays/{essay.slug}/{part}" for part in ("", "reviews/", "annotations/")}
    responses = crawl(client, addresses, token=token, follow=False)
    found = leaks.leaks_in(responses, leak_world.hidden, markers_in)
    assert set(found) == addresses, found
    # The reviews and comments answers carry the teachers' own words, not only quoted passages.
    assert markers_in(responses[f"{API}/essays/{essay.slug}/reviews/"][1]) & leak_world.review_markers
    assert markers_in(responses[f"{API}/essays/{essay.slug}/annotations/"][1]) & leak_world.comment_markers
    with pytest.raises(AssertionError, match="hidden text reached"):
        assert_no_leak(leak_world, responses, "a member's token")


@pytest.mark.django_db
def test_a_member_reads_the_reviews_the_crawl_keeps_from_others(leak_world, member, client):
    """The control for reviews: a member's essay page carries the reviews' own markers (so the
    crawl above would have seen them had they leaked), and the check reports them."""
    client.force_login(member)
    for path in leak_world.reviewed:
        body = client.get(path).content.decode()
        assert set(MARKER.findall(body)) & leak_world.review_markers, f"{path} shows a member no review text"
    responses = crawl(client, set(leak_world.reviewed))
    with pytest.raises(AssertionError, match="hidden text reached"):
        assert_no_leak(leak_world, responses, "a member")


@pytest.mark.django_db
def test_a_member_reads_the_margin_comments_the_crawl_keeps_from_others(leak_world, member, client):
    """The control for margin comments: a member's essay page and annotation collection carry the
    comments' own markers, and the check reports them."""
    client.force_login(member)
    start = set()
    for path in leak_world.commented:
        for url in (path, path + "annotations.jsonld"):
            body = client.get(url).content.decode()
            assert set(MARKER.findall(body)) & leak_world.comment_markers, f"{url} shows a member no comment"
            start.add(url)
    responses = crawl(client, start)
    with pytest.raises(AssertionError, match="hidden text reached"):
        assert_no_leak(leak_world, responses, "a member")


@pytest.mark.django_db
def test_every_filled_pattern_resolves(leak_world):
    for url in urls_for_every_pattern(leak_world.bindings):
        try:
            resolve(urlsplit(url).path)
        except Resolver404:  # pragma: no cover - the message names the culprit
            pytest.fail(f"{url} was built from a URL pattern but does not resolve")


@pytest.mark.django_db
def test_republished_essay_is_covered(leak_world, client):
    essay = leak_world.essays[0]
    essay_withdraw(essay=essay)
    essay_publish(essay=essay)
    responses = crawl(client, {essay.get_absolute_url()})
    assert_no_leak(leak_world, responses, "visitor")
