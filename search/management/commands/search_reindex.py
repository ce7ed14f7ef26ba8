"""Rebuild the search index of personal records, in batches, with a progress bar.

    manage.py search_reindex [--type entries ...] [--batch-size 500] [--resume]

On the database backend it refreshes modelsearch's index entries (SQLite FTS5 / PostgreSQL
full-text) of each registered type; with ELASTICSEARCH_URL set it writes the private index's
documents (search.documents), creating the index first. Progress is saved after every batch
(the last primary key done, per type) in `--state`; `--resume` carries on from there after an
interruption. Ends with the count of records indexed per type.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search.indexing import elasticsearch_enabled
from search.registry import search_types


def default_state_path() -> Path:
    return Path(settings.BASE_DIR) / ".search_reindex_state.json"


class Command(BaseCommand):
    help = "Rebuild the search index of personal records in batches (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--type", action="append", dest="types", help="Only this type key.")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--resume", action="store_true", help="Carry on from the last run.")
        parser.add_argument("--state", default=None, help="Where progress is kept (a JSON file).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, types=None, batch_size=500, resume=False, state=None, **options):
        if batch_size < 1:
            raise CommandError("Enter a batch size of 1 or more.")
        chosen = [t for t in search_types() if not types or t.key in types]
        if types and len(chosen) != len(set(types)):
            known = ", ".join(t.key for t in search_types())
            raise CommandError(f"Enter types from: {known}.")
        state_path = Path(state) if state else default_state_path()
        progress = json.loads(state_path.read_text()) if resume and state_path.exists() else {}
        write = self._writer()
        counts = {}
        for search_type in chosen:
            done_to = progress.get(search_type.key)
            queryset = search_type.indexable_queryset()
            if done_to is not None:
                queryset = queryset.filter(pk__gt=done_to)
            total = queryset.count()
            counts[search_type.key] = 0
            bar = tqdm(
                total=total,
                desc=search_type.label,
                unit="records",
                disable=options["no_progress"],
                file=self.stderr._out,
            )
            last = done_to
            while True:
                batch_qs = queryset.filter(pk__gt=last) if last is not None else queryset
                batch = list(search_type.for_display(batch_qs)[:batch_size])
                if not batch:
                    break
                write(search_type, batch)
                last = batch[-1].pk
                counts[search_type.key] += len(batch)
                bar.update(len(batch))
                progress[search_type.key] = last
                state_path.write_text(json.dumps(progress))
            bar.close()
        # A finished run leaves nothing to resume.
        if state_path.exists():
            state_path.unlink()
        for key, count in counts.items():
            self.stdout.write(f"{key}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Indexed {sum(counts.values())} records."))

    def _writer(self):
        if elasticsearch_enabled():
            from search.es_backend import ensure_index, index_records

            ensure_index()
            return index_records
        from wagtail.search.backends import get_search_backend

        backend = get_search_backend("default")

        def write(search_type, batch):
            index = backend.get_index_for_model(search_type.model)
            if index is not None:
                index.add_items(search_type.model, batch)

        return write
