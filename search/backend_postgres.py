"""Capable's search backend on PostgreSQL (see search.backend): modelsearch's, with the title
norms set per write."""

from modelsearch.backends.database.postgres import postgres

from .backend import TitleNorms, TitleNormSettings


class PostgresIndex(TitleNorms, postgres.PostgresIndex):
    pass


class SearchBackend(TitleNormSettings, postgres.PostgresSearchBackend):
    index_class = PostgresIndex
