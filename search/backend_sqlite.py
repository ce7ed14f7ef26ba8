"""Capable's search backend on SQLite with FTS5 (see search.backend): modelsearch's, with the
title norms set per write."""

from modelsearch.backends.database.sqlite import sqlite

from .backend import TitleNorms, TitleNormSettings


class SQLiteIndex(TitleNorms, sqlite.SQLiteIndex):
    pass


class SearchBackend(TitleNormSettings, sqlite.SQLiteSearchBackend):
    index_class = SQLiteIndex
