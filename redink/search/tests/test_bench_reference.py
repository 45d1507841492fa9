"""The search benchmark's reference ranking and index size, on either database."""

import pytest

from redink.search.backends import get_backend
from redink.search.backends.base import SearchRequest
from redink.search.bench.reference import index_size_bytes, reference_top
from redink.search.query import parse_query
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db


def request_for(q, **options):
    return SearchRequest(query=parse_query(q), per_page=10, with_facets=False, **options)


def test_the_reference_ranks_as_a_search_does_on_a_small_library(library):
    request = request_for("cuban missile crisis")
    reference = reference_top(request, k=10)
    assert reference[0] == library["cuba"].pk
    assert set(reference) == {library["cuba"].pk, library["detente"].pk}
    # Under RANK_CANDIDATES matches the bounded search scores every match too: recall is whole.
    assert [hit.essay_id for hit in get_backend().search(request).hits] == reference


def test_the_reference_keeps_the_filters_and_the_limit(library, section):
    other_level = request_for("ambition OR cuban", level_id=section.subject.level_id + 1000)
    assert reference_top(other_level, k=10) == []
    assert len(reference_top(request_for("ambition OR cuban"), k=2)) == 2


def test_the_index_size_grows_with_the_essays_indexed(library, section):
    before = index_size_bytes()
    long_text = " ".join(f"Unrelated vocabulary word{n} sits in an essay of its own." for n in range(600))
    make_essay(section=section, title="A long essay to index", text=long_text)
    assert index_size_bytes() > before > 0
