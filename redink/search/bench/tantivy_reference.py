"""The reference engine: Tantivy indexing the same essays and answering the same log."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from typing import Any

from redink.search.query import ParsedQuery


def tantivy_expression(query: ParsedQuery, *, level_id: int | None = None) -> str:
    """Our parsed query in Tantivy's syntax: every word quoted, so nothing is interpreted."""
    parts = []
    for clause in query.clauses:
        options = ['"' + " ".join(p.words) + '"' for p in clause.options]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    expression = " AND ".join(parts)
    for phrase in query.excluded:
        expression += ' -"' + " ".join(phrase.words) + '"'
    if level_id:
        expression = f"({expression}) AND facets:lvl{int(level_id)}"
    return expression


@dataclass
class TantivyReference:
    index: Any
    build_seconds: float
    directory: tempfile.TemporaryDirectory

    @classmethod
    def build(cls, rows: list[tuple[int, str, str, int]]) -> TantivyReference:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True)
        builder.add_text_field("title", tokenizer_name="en_stem")
        builder.add_text_field("body", tokenizer_name="en_stem")
        builder.add_text_field("facets", tokenizer_name="raw")
        schema = builder.build()
        directory = tempfile.TemporaryDirectory(prefix="redink-tantivy-")
        index = tantivy.Index(schema, path=directory.name)
        started = time.perf_counter()
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        for essay_id, title, body, level_id in rows:
            writer.add_document(tantivy.Document(id=essay_id, title=title, body=body, facets=f"lvl{level_id}"))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        return cls(index=index, build_seconds=time.perf_counter() - started, directory=directory)

    def search(self, query: ParsedQuery, *, level_id: int | None = None, k: int = 10) -> list[int]:
        if query.is_empty:
            return []
        parsed = self.index.parse_query(
            tantivy_expression(query, level_id=level_id), ["title", "body"], field_boosts={"title": 10.0}
        )
        searcher = self.index.searcher()
        return [searcher.doc(address)["id"][0] for _, address in searcher.search(parsed, k).hits]

    def close(self) -> None:
        self.directory.cleanup()
