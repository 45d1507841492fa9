"""What a display name may be: length, nothing that leads to a person, no offensive words."""

from __future__ import annotations

import pytest

from redink.accounts.names import display_name_clean, display_name_problems, is_offensive


@pytest.mark.parametrize(
    "name",
    ["Jo", "Inkwell", "Zoë Brontë", "李小龍", "Mary-Jane O'Neil", "J. R. Hartley", "x_Reader_99", "Student of History"],
)
def test_pseudonyms_and_names_in_any_alphabet_are_fine(name):
    assert display_name_problems(name) == []


@pytest.mark.parametrize(
    "name",
    ["Scunthorpe United", "Dickens Fan", "Cassandra", "Grasshopper", "Essex Classics", "Shitake Mushroom", "Assassin"],
)
def test_harmless_words_containing_a_blocked_one_are_accepted(name):
    assert not is_offensive(name)
    assert display_name_problems(name) == []


@pytest.mark.parametrize(
    "name", ["fuck", "Big Shit", "F.U.C.K", "f u c k", "Sh1t Head", "WANKERS", "Fück Off", "c_u_n_t", "Tw4t"]
)
def test_offensive_words_are_refused_whatever_their_case_accents_digits_or_spacing(name):
    assert display_name_problems(name) == ["That name contains a word we do not allow. Please choose another."]


@pytest.mark.parametrize(
    "name",
    [
        "ann@example.org",
        "ann\uff20example",
        "ann at example.com",
        "annie.example.com",
        "www.annie",
        "https://x.y",
        "Ann.Co.Uk",
    ],
)
def test_anything_shaped_like_an_e_mail_or_web_address_is_refused(name):
    (problem,) = display_name_problems(name)
    assert "e-mail" in problem or "web address" in problem


def test_length_and_characters():
    assert display_name_problems("A") == ["Your display name needs at least 2 characters."]
    assert "at most 40" in display_name_problems("A" * 41)[0]
    assert display_name_problems("   ") == ["Your display name needs at least 2 characters."]
    assert display_name_problems("12345") == ["Your display name needs at least one letter."]
    assert display_name_problems("Ann <b>") == ["Use letters, numbers, spaces and . ' - _ only."]
    assert display_name_problems("Ann/Bea") == ["Use letters, numbers, spaces and . ' - _ only."]


def test_names_the_site_uses_for_people_cannot_be_taken():
    for name in ("Student 12", "former contributor", "Moderator", "Anonymous"):
        assert display_name_problems(name) == ["That name is kept for the site's own use. Please choose another."]


def test_spaces_are_tidied():
    assert display_name_clean("  Ann   Bea ") == "Ann Bea"
