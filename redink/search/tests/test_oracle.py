"""Search is no oracle for hidden text: for a reader without full access, an essay's hidden
part says which words it holds, never their order or which stand together. Run unchanged on
SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client

from redink.access.visibility import essay_text_for
from redink.testing.factories import SectionFactory, make_essay

pytestmark = pytest.mark.django_db

# The free preview is the opening paragraph (the filler keeps it short); everything after it is hidden.
FILLER = " ".join(f"Background sentence {n} sets out the wider context of the period." for n in range(40))
# No stop words inside them: PostgreSQL drops those from a phrase, leaving gaps of any word.
HIDDEN_PHRASES = [
    "castro even urged immediate retaliation",
    "cuban situation looked desperate",
    "naval blockade forced soviet leaders",
    "quarantine line held firm",
]


@pytest.fixture
def hidden_library(section):  # type: ignore[no-untyped-def]
    """Four essays of one section: one holds the hidden phrases, one the same words in other
    orders, one some of the words, one none of them."""
    target = make_essay(
        section=section,
        title="How close did the world come to nuclear war in 1962?",
        text="The October confrontation began with photographs of missile sites.\n\n"
        f"{FILLER}\n\nAt that moment Castro even urged immediate retaliation. The Cuban situation looked "
        "desperate. The naval blockade forced Soviet leaders to bargain, and the quarantine line held firm.",
    )
    shuffled = make_essay(
        section=section,
        title="Kennedy's advisers and the thirteen days",
        text="ExComm met in secret through the thirteen days.\n\n"
        f"{FILLER}\n\nRetaliation was urged even by Castro at an immediate moment. Desperate, the situation "
        "looked Cuban to some. Soviet leaders forced a naval blockade debate; firm held the line on quarantine.",
    )
    partial = make_essay(
        section=section,
        title="Brinkmanship in the Cold War",
        text=f"Brinkmanship was a dangerous game.\n\n{FILLER}\n\nThe crisis showed how Castro relied on Moscow.",
    )
    make_essay(
        section=section, title="The Berlin airlift", text=f"Berlin was supplied by air.\n\n{FILLER}\n\nIt worked."
    )
    for essay in (target, shuffled):
        free = essay_text_for(essay=essay, viewer=None).text.lower()
        assert "castro" not in free and "blockade" not in free, "the test's phrases must be in the hidden part"
    return {"target": target, "shuffled": shuffled, "partial": partial}


def search_page(client: Client, query: str, **params: str) -> str:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def without_query(page: str, query: str) -> str:
    """The page with every echo of the query (title, search box, links) taken out."""
    for form in {query, html.escape(query), quote_plus(query), quote(query), html.escape(quote_plus(query))}:
        page = page.replace(form, "QUERY")
    # Links carry the query in the encoding of the template's own filter: normalise what is left.
    return re.sub(r"q=[^&\"]*", "q=QUERY", page)


def result_titles(page: str) -> list[str]:
    found = re.findall(r'<li class="essay-card search-hit">\s*<h3><a href="[^"]+"><bdi>([^<]+)</bdi></a>', page)
    return [html.unescape(title) for title in found]


@pytest.mark.parametrize("phrase", HIDDEN_PHRASES)
@pytest.mark.parametrize("filtered", [False, True], ids=["library", "section"])
def test_a_visitors_whole_page_is_the_same_for_a_hidden_phrase_and_its_words_reversed(
    hidden_library, section, client, phrase, filtered
):
    params = {"level": section.subject.level.slug, "subject": section.subject.slug, "section": section.slug}
    params = params if filtered else {}
    forwards = f'"{phrase}"'
    backwards = '"' + " ".join(reversed(phrase.split())) + '"'
    page_forwards = search_page(client, forwards, **params)
    page_backwards = search_page(client, backwards, **params)
    assert result_titles(page_forwards), "the words are in the library: something is found"
    assert without_query(page_forwards, forwards) == without_query(page_backwards, backwards)


def test_a_visitors_phrase_finds_every_essay_holding_its_words_and_a_members_finds_the_phrase(
    hidden_library, client, member
):
    phrase = '"castro even urged immediate retaliation"'
    visitor = result_titles(search_page(client, phrase))
    assert set(visitor) == {hidden_library["target"].title, hidden_library["shuffled"].title}
    assert "Matched in the full essay" in search_page(client, phrase)
    signed_in = Client()
    signed_in.force_login(member)
    assert result_titles(search_page(signed_in, phrase)) == [hidden_library["target"].title]
    reversed_phrase = '"retaliation immediate urged even castro"'
    assert result_titles(search_page(signed_in, reversed_phrase)) == []


def test_ranking_for_a_visitor_does_not_weigh_how_close_hidden_words_stand(section, client):
    """Two essays made of the same words, in which only the place of one hidden word differs:
    "tariff" stands next to "embargo" in the older one and far from it in the newer. Ranked by
    word positions (PostgreSQL's cover density, SQLite's phrase matching) the older would come
    first; without positions they tie, and ties go to the newer."""
    opening = "Trade policy shaped the decade.\n\n" + FILLER + "\n\n"
    rest = "Merchants protested loudly in every port and market town across the region"
    near = make_essay(section=section, title="Trade wars one", text=opening + f"The embargo tariff came first. {rest}.")
    apart = make_essay(
        section=section, title="Trade wars two", text=opening + f"The embargo came first. {rest} tariff."
    )
    for query in ('"embargo tariff"', "embargo tariff", '"tariff embargo"'):
        assert result_titles(search_page(client, query)) == [apart.title, near.title], query


class Attack:
    """The halving attack of the security review: extend a known hidden phrase one word at a
    time, asking whether the target essay is found for `"<phrase> X1" OR "<phrase> X2" OR …`
    and splitting the group that finds it until one candidate word is left."""

    def __init__(self, client: Client, *, section_slugs: dict[str, str], target_title: str) -> None:
        self.client = client
        self.params = section_slugs
        self.target_title = target_title
        self.requests = 0

    def found(self, phrases: list[str]) -> bool:
        self.requests += 1
        query = " OR ".join(f'"{p}"' for p in phrases)
        response = self.client.get("/search/", {"q": query, **self.params})
        assert response.status_code == 200, "the attack runs under raised limits: it must never meet a 429"
        return self.target_title in result_titles(response.content.decode())

    def matching(self, prefix: str, candidates: list[str]) -> list[str]:
        found = []
        for start in range(0, len(candidates), 8):  # the query language takes 8 alternatives
            group = candidates[start : start + 8]
            found += self._halve(prefix, group)
        return found

    def _halve(self, prefix: str, group: list[str]) -> list[str]:
        if not self.found([f"{prefix} {word}" for word in group]):
            return []
        if len(group) == 1:
            return group
        middle = len(group) // 2
        return self._halve(prefix, group[:middle]) + self._halve(prefix, group[middle:])

    def extend(self, seed: str, candidates: list[str], *, steps: int = 3) -> str:
        """The seed with each next word the answers single out (while they single one out)."""
        phrase = seed
        for _ in range(steps):
            words = self.matching(phrase, candidates)
            if len(words) != 1:
                break
            phrase = f"{phrase} {words[0]}"
        return phrase


def hidden_text_of(essay) -> str:  # type: ignore[no-untyped-def]
    return " ".join(re.findall(r"\w+", essay.body.lower()))


def run_attack(client: Client, library, section) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    target = library["target"]
    attack = Attack(
        client,
        section_slugs={"level": section.subject.level.slug, "subject": section.subject.slug, "section": section.slug},
        target_title=target.title,
    )
    hidden = hidden_text_of(target)
    # The attacker's dictionary: every word of the target's hidden sentences (the worst case: they
    # guessed its vocabulary), and words it does not hold.
    vocabulary = sorted(set(" ".join(HIDDEN_PHRASES).split()) | {"kennedy", "missiles", "bargain", "moment"})
    vocabulary += ["zanzibar", "parliament", "photosynthesis", "sonnet"]
    recovered = []
    for phrase in HIDDEN_PHRASES:
        seed = " ".join(phrase.split()[:2])  # the attacker knows two words that start a hidden sentence
        extended = attack.extend(seed, vocabulary)
        if extended != seed and f" {extended} " in f" {hidden} ":
            recovered.append(extended)
    return recovered, attack.requests


def test_the_halving_attack_recovers_no_hidden_phrase(hidden_library, section, client, settings, capsys):
    settings.REDINK_SEARCHES_PER_MINUTE = 100_000
    recovered, requests = run_attack(client, hidden_library, section)
    with capsys.disabled():
        print(f"\n[halving attack as a visitor] {requests} requests, recovered {len(recovered)}: {recovered}")
    assert recovered == []


def test_the_same_attack_as_a_member_reads_what_members_may_read(hidden_library, section, member, settings):
    """The attack itself works: against exact phrase matching (a member's, who may read the essay
    anyway) it recovers the hidden phrases. So the visitor's 0 is the search's doing."""
    settings.REDINK_SEARCHES_PER_MINUTE = 100_000
    client = Client()
    client.force_login(member)
    recovered, _ = run_attack(client, hidden_library, section)
    assert len(recovered) >= 3


def test_too_many_alternatives_are_cut_with_a_message(hidden_library, client):
    query = " OR ".join(f"word{n}" for n in range(12)) + " OR castro"
    page = search_page(client, query)
    assert "up to 8 alternatives" in page


def test_a_section_of_another_subject_is_not_searched(hidden_library, client):
    other = SectionFactory()
    page = search_page(
        client,
        '"situation in cuba was"',
        level=other.subject.level.slug,
        subject=other.subject.slug,
        section=other.slug,
    )
    assert result_titles(page) == []
