from django.db import migrations


def rewrite_cards(apps, schema_editor):
    """Each card now carries its tier, from which the page names what the list holds ("More
    GCSE History essays"): rewrite the stored cards from their rows. Pages read cards without
    a tier as the widest claim ("More GCSE essays") until this has run."""
    from itertools import groupby

    from redink.related.cards import card, cards_text

    rows = apps.get_model("related", "RelatedEssay").objects.order_by("essay_id", "rank")
    fields = ("essay_id", "slug", "title", "snippet", "section_name", "word_count", "is_teacher_marked", "tier")
    Cards = apps.get_model("related", "RelatedCards")
    Cards.objects.all().delete()
    batch = []
    for essay_id, entries in groupby(rows.values_list(*fields).iterator(), key=lambda row: row[0]):
        shown = [
            card(
                slug=slug,
                title=title,
                snippet=snippet,
                section_name=section,
                word_count=words,
                marked=marked,
                tier=tier,
            )
            for _, slug, title, snippet, section, words, marked, tier in entries
        ]
        batch.append(Cards(essay_id=essay_id, cards=cards_text(shown)))
        if len(batch) >= 2000:
            Cards.objects.bulk_create(batch)
            batch = []
    Cards.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("related", "0004_related_cards")]

    operations = [migrations.RunPython(rewrite_cards, migrations.RunPython.noop)]
