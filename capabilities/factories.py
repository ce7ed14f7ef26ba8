import factory

from .models import Association, Framework, FrameworkVersion, Item
from .services import publish_version


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"framework-{n}")
    title = factory.Sequence(lambda n: f"Framework {n}")
    kind = Framework.Kind.PCF
    creator = "Capable tests"


class FrameworkVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkVersion

    framework = factory.SubFactory(FrameworkFactory)
    slug = factory.Sequence(lambda n: f"v{n}")
    label = factory.Sequence(lambda n: f"Version {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    version = factory.SubFactory(FrameworkVersionFactory)
    kind = Item.Kind.STATEMENT
    code = factory.Sequence(lambda n: f"S{n}")
    full_statement = factory.Faker("sentence", nb_words=12)


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    version = factory.LazyAttribute(lambda o: o.origin.version)
    association_type = Association.Type.IS_RELATED_TO
    origin = factory.SubFactory(ItemFactory)
    destination = factory.SubFactory(ItemFactory)


def build_pcf(
    *,
    slug: str = "test-pcf",
    framework_slug: str = "pcf",
    domains: int = 3,
    levels: int = 3,
    per_cell: int = 2,
    publish: bool = True,
) -> FrameworkVersion:
    """A small PCF-shaped version: groups, domains, ordered levels, statements in every cell."""
    framework = FrameworkFactory(
        slug=framework_slug, title="Professional Capabilities Framework", kind="pcf"
    )
    version = FrameworkVersionFactory(framework=framework, slug=slug, label=slug)
    group_titles = ["Purpose", "Practice", "Impact"]
    groups = [
        ItemFactory(
            version=version,
            kind=Item.Kind.GROUP,
            code=title.upper(),
            slug=title.lower(),
            title=title,
            full_statement=f"The {title.lower()} of social work.",
            sort_order=n,
        )
        for n, title in enumerate(group_titles, start=1)
    ]
    level_items = [
        ItemFactory(
            version=version,
            kind=Item.Kind.LEVEL,
            code=f"L{n}",
            slug=f"level-{n}",
            title=f"Level {n}",
            full_statement=f"What level {n} means.",
            sort_order=n,
            stage=Item.Stage.QUALIFYING,
        )
        for n in range(1, levels + 1)
    ]
    for d in range(1, domains + 1):
        domain = ItemFactory(
            version=version,
            kind=Item.Kind.DOMAIN,
            code=str(d),
            slug=f"domain-{d}",
            title=f"Domain {d}",
            full_statement=f"Domain {d} statement.",
            sort_order=d,
            group=groups[(d - 1) % len(groups)],
        )
        for level in level_items:
            for n in range(1, per_cell + 1):
                ItemFactory(
                    version=version,
                    kind=Item.Kind.STATEMENT,
                    code=f"{d}.{level.code}.{n}",
                    full_statement=f"Domain {d} at {level.title}, statement {n}.",
                    domain=domain,
                    level=level,
                    sort_order=d * 10_000 + level.sort_order * 100 + n,
                )
    if publish:
        publish_version(version=version)
    return version


def build_standards(
    *, framework_slug: str, codes, slug: str | None = None, publish: bool = True
) -> FrameworkVersion:
    """A small standards framework (no domains or levels), one statement per code."""
    framework = FrameworkFactory(
        slug=framework_slug, title=f"Standards {framework_slug}", kind=Framework.Kind.PQS
    )
    version = FrameworkVersionFactory(framework=framework, slug=slug or f"{framework_slug}-v1")
    for n, code in enumerate(codes, start=1):
        ItemFactory(
            version=version,
            code=code,
            title=f"Standard {code}",
            full_statement=f"What standard {code} expects.",
            sort_order=n,
        )
    if publish:
        publish_version(version=version)
    return version


def crosswalk(declared_by: FrameworkVersion, links) -> None:
    """Store (old item, type, new item) links as `declared_by` declares them (before it is
    published): `replacedBy` from old to new, `exactMatchOf` from new to old."""
    for old, association_type, new in links:
        origin, destination = (
            (new, old) if association_type == Association.Type.EXACT_MATCH_OF else (old, new)
        )
        Association.objects.create(
            version=declared_by,
            association_type=association_type,
            origin=origin,
            destination=destination,
        )
