"""What public search reads at the scale issue 19 sets its target at: 5,000 content pages and 20
published framework versions (`manage.py seed_scale --search-only`, or part of `seed_scale`).

Pages are guidance (`ContentPage`) under one library page below the home page, in sections of
`SECTION_SIZE`. Adding 5,000 pages with treebeard's `add_child` takes minutes (it locks and
re-reads the parent for each one), so the library and its sections are made with `add_child` and
each section's pages are written in bulk: their materialised paths computed as treebeard would
(`Page._get_path`), the `Page` rows with `bulk_create`, the `ContentPage` rows beside them, the
parent's `numchild` set once, then the search index written with the backend's `add_bulk`.

Framework versions are made as an editor would: each a draft copy of the one before
(`create_draft_version`, with its crosswalk to the previous version) published with
`publish_version`, two a year after the 2018 PCF, so the newest generated one is current.

Both top up: run again with larger numbers and only the missing pages and versions are added.
Words come from Faker with a fixed seed plus a social work vocabulary, so that the bench's
queries ("supervision", "reflection") match some pages and not others.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from datetime import UTC, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker
from tqdm import tqdm
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from capabilities.models import FrameworkVersion
from capabilities.services import create_draft_version, publish_version
from search.backend import refresh_title_norms

from .models import ContentPage, HomePage


@contextlib.contextmanager
def deferred_title_norms():
    """Generation's title norms. The database backend (search.backend) norms only the entries
    each write makes, with an average title length it keeps for an hour, so generating no
    longer pays modelsearch's two scans of the index table per save (a framework version of
    375 items took 100 s on a 26,000-entry index). At the end the average is recomputed and
    any entry still at the default norm (written another way) is normed with it.
    """
    yield
    refresh_title_norms()


LIBRARY_SLUG = "generated-guidance-library"
SECTION_SIZE = 100
VERSION_PREFIX = "gen-"
VOCABULARY = (
    "supervision", "reflection", "assessment", "child protection", "family support",
    "safeguarding", "direct work", "critical analysis", "care planning", "court work",
    "risk", "relationship-based practice", "chronology", "core group", "strengths",
    "neglect", "contextual safeguarding", "multi-agency", "life story work", "advocacy",
)  # fmt: skip


def _paragraphs(fake: Faker, rng: random.Random) -> list[dict]:
    blocks = []
    for _ in range(rng.randint(2, 5)):
        words = ", ".join(rng.sample(VOCABULARY, 2))
        text = f"{fake.paragraph(nb_sentences=4)} On {words}: {fake.paragraph(nb_sentences=3)}"
        blocks.append({"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())})
    return blocks


def _section(library: Page, number: int) -> ContentPage:
    slug = f"section-{number:03d}"
    existing = ContentPage.objects.child_of(library).filter(slug=slug).first()
    if existing is not None:
        return existing
    return library.add_child(
        instance=ContentPage(
            title=f"Practice guidance, part {number} (generated)",
            slug=slug,
            summary="Generated guidance for the benchmarks.",
        )
    )


@transaction.atomic
def _fill(section: ContentPage, count: int, fake: Faker, rng: random.Random) -> list[int]:
    """Add `count` live pages under `section` in bulk; return their ids."""
    section = ContentPage.objects.select_for_update().get(pk=section.pk)
    content_type = ContentType.objects.get_for_model(ContentPage)
    now = timezone.now()
    first = section.numchild + 1
    pages = []
    for n in range(first, first + count):
        title = fake.sentence(nb_words=rng.randint(3, 7)).rstrip(".")
        if rng.random() < 0.3:
            title += f": {rng.choice(VOCABULARY)}"
        slug = f"{section.slug}-page-{n:03d}"
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=Page._get_path(section.path, section.depth + 1, n),
                depth=section.depth + 1,
                numchild=0,
                url_path=f"{section.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                locale_id=section.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
    Page.objects.bulk_create(pages)
    ids = list(Page.objects.filter(path__in=[p.path for p in pages]).values_list("pk", flat=True))
    by_path = dict(Page.objects.filter(pk__in=ids).values_list("path", "pk"))
    body = ContentPage._meta.get_field("body")
    rows = []
    for page in pages:
        instance = ContentPage(body=_paragraphs(fake, rng))
        rows.append(
            (
                by_path[page.path],
                fake.sentence(nb_words=12),
                body.get_db_prep_save(instance.body, connection),
            )
        )
    table = connection.ops.quote_name(ContentPage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (page_ptr_id, summary, body) VALUES (%s, %s, %s)",  # noqa: S608
            rows,
        )
    Page.objects.filter(pk=section.pk).update(numchild=F("numchild") + count)
    return ids


def make_search_pages(total: int, *, quiet: bool = False) -> int:
    """Top the generated library up to `total` pages; return how many were added."""
    home = HomePage.objects.first()
    if home is None:
        raise ValueError("Make the home page first (seed_scale does).")
    library = ContentPage.objects.child_of(home).filter(slug=LIBRARY_SLUG).first()
    if library is None:
        library = home.add_child(
            instance=ContentPage(
                title="Guidance library (generated)",
                slug=LIBRARY_SLUG,
                summary="Generated pages, so that search is measured at the size of a region.",
            )
        )
    have = ContentPage.objects.descendant_of(library).filter(depth=library.depth + 2).count()
    missing = max(0, total - have)
    if not missing:
        return 0
    fake, rng = Faker("en_GB"), random.Random(19 + have)
    fake.seed_instance(19 + have)
    backends = list(get_search_backends(with_auto_update=True))
    added = 0
    bar = tqdm(total=missing, desc="content pages", unit="pages", disable=quiet)
    number = 1
    while added < missing:
        section = _section(library, number)
        number += 1
        room = SECTION_SIZE - section.numchild
        if room <= 0:
            continue
        ids = _fill(section, min(room, missing - added), fake, rng)
        fresh = list(ContentPage.objects.filter(pk__in=ids))
        for backend in backends:
            backend.add_bulk(ContentPage, fresh)
        added += len(ids)
        bar.update(len(ids))
    bar.close()
    return added


def make_framework_versions(total: int, *, quiet: bool = False) -> int:
    """Publish generated PCF versions until `total` versions of all frameworks are published,
    each a draft copy of the one before; return how many were added."""
    have = FrameworkVersion.objects.published().count()
    missing = max(0, total - have)
    if not missing:
        return 0
    generated = FrameworkVersion.objects.filter(slug__startswith=VERSION_PREFIX).count()
    source = FrameworkVersion.objects.current("pcf")
    if source is None:
        raise ValueError("Load the framework first (manage.py load_framework).")
    start = datetime(2019, 3, 1, tzinfo=UTC)
    bar = tqdm(total=missing, desc="framework versions", unit="versions", disable=quiet)
    added, n = 0, generated
    while added < missing:
        year, half = 2019 + n // 2, n % 2 + 1
        slug = f"{VERSION_PREFIX}{year}-{half}"
        n += 1
        # A draft left unpublished by an interrupted run is published now.
        draft = FrameworkVersion.objects.filter(slug=slug).first()
        if draft is None:
            draft = create_draft_version(
                source=source,
                slug=slug,
                label=f"{year}.{half} (generated)",
                description="A generated revision of the PCF, for the benchmarks.",
            )
        if not draft.live:
            publish_version(version=draft, at=start + timedelta(days=182 * (n - 1)))
            added += 1
            bar.update(1)
        source = draft
    bar.close()
    return added
