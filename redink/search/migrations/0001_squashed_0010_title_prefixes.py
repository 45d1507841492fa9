"""The search index's tables, one set per database vendor, as the ten migrations before this one
left them. The statements are frozen here: a later change of the index is a migration of its
own with its own statements, never a reference to the backend's code of the day.

A migration does not fill the index. `python manage.py rebuild_search_index` does, and
`load_demo` and `generate_corpus` run it after writing essays."""

from django.db import migrations, models

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE search_document (
        essay_id bigint PRIMARY KEY,
        title text NOT NULL,
        free text NOT NULL,
        level_id bigint NOT NULL,
        subject_id bigint NOT NULL,
        section_id bigint NOT NULL,
        marked boolean NOT NULL,
        published_at timestamptz,
        document tsvector NOT NULL,
        title_vector tsvector NOT NULL,
        top tsvector NOT NULL,
        best tsvector NOT NULL DEFAULT ''::tsvector,
        title_words tsvector NOT NULL DEFAULT ''::tsvector
    )""",
    # Narrow rows: what a query reads back only for rechecks and snippets goes out of line
    # (the reasons and figures are in redink/search/backends/postgres/).
    "ALTER TABLE search_document SET (toast_tuple_target = 512)",
    "ALTER TABLE search_document ALTER COLUMN top SET STORAGE EXTERNAL, ALTER COLUMN best SET STORAGE EXTERNAL, "
    "ALTER COLUMN title_words SET STORAGE EXTERNAL, ALTER COLUMN document SET STORAGE EXTERNAL, "
    "ALTER COLUMN title SET STORAGE MAIN, ALTER COLUMN title_vector SET STORAGE MAIN",
    # lz4 for the free text where the server was built with it; pglz otherwise.
    """DO $$ BEGIN
        ALTER TABLE search_document ALTER COLUMN free SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported THEN NULL;
    END $$""",
    "CREATE INDEX search_document_gin ON search_document USING gin (document)",
    "CREATE INDEX search_document_title_gin ON search_document USING gin (title_vector)",
    "CREATE INDEX search_document_top_gin ON search_document USING gin (top)",
    "CREATE INDEX search_document_best_gin ON search_document USING gin (best)",
    "CREATE INDEX search_document_title_prefixes ON search_document USING gin (title_words)",
    "CREATE INDEX search_document_level ON search_document (level_id)",
    "CREATE INDEX search_document_subject ON search_document (subject_id)",
    "CREATE INDEX search_document_section ON search_document (section_id)",
    "CREATE INDEX search_document_newest ON search_document (published_at DESC NULLS LAST, essay_id DESC)",
    "CREATE TABLE search_words (word text PRIMARY KEY, df integer NOT NULL)",
    "CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS search_words", "DROP TABLE IF EXISTS search_document"]

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, free, hidden, facets, top, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_spell USING fts5(title, free, content='', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_spell_vocab USING fts5vocab(search_spell, 'row')",
    "CREATE TABLE search_words (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE search_words_tri USING fts5(word, tokenize='trigram')",
    "CREATE TABLE search_facets (essay_id INTEGER PRIMARY KEY, level_id INTEGER NOT NULL, "
    "subject_id INTEGER NOT NULL, published_at TEXT)",
    "CREATE VIRTUAL TABLE search_titles USING fts5(title, tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
]
SQLITE_DROP = [
    f"DROP TABLE IF EXISTS {table}"
    for table in (
        "search_titles",
        "search_facets",
        "search_words_tri",
        "search_words",
        "search_spell_vocab",
        "search_spell",
        "search_fts",
    )
]

STATEMENTS = {"postgresql": (POSTGRESQL, POSTGRESQL_DROP), "sqlite": (SQLITE, SQLITE_DROP)}


def _run(schema_editor, which: int) -> None:
    # Another vendor has no search index: Redink's system check says so.
    statements = STATEMENTS.get(schema_editor.connection.vendor, ([], []))[which]
    for statement in statements:
        schema_editor.execute(statement)


def create(apps, schema_editor):
    _run(schema_editor, 0)


def drop(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    replaces = [
        ("search", "0001_search_tables"),
        ("search", "0002_search_facets"),
        ("search", "0003_impact_words"),
        ("search", "0004_search_titles"),
        ("search", "0005_words_gist"),
        ("search", "0006_sort_indexes"),
        ("search", "0007_marked_top_terms"),
        ("search", "0008_narrow_rows"),
        ("search", "0009_best_tier"),
        ("search", "0010_title_prefixes"),
    ]
    initial = True
    dependencies = [("catalogue", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="ImpactThreshold",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("score", models.FloatField()),
                ("best_score", models.FloatField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
