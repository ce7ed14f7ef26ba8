import datetime

import factory

from accounts.factories import UserFactory

from .guard import find_identifiers
from .models import Comment, Entry, Portfolio, Share


class CleanText(factory.Faker):
    """Faker text the identifying-information guard finds nothing in. Faker's English word list
    holds "Mr." and "Mrs.", so now and then it writes "Mrs. Street", which the guard rightly
    reads as a possible name: a test about something else must not depend on that chance."""

    def evaluate(self, instance, step, extra):
        for _ in range(50):
            text = super().evaluate(instance, step, dict(extra))
            if not find_identifiers(text):
                return text
        raise RuntimeError("Faker kept writing text the guard flags")


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio
        django_get_or_create = ("owner",)

    owner = factory.SubFactory(UserFactory)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    portfolio = factory.SubFactory(PortfolioFactory)
    status = Entry.Status.COMPLETE
    entry_type = Entry.Type.REFLECTION
    title = CleanText("sentence", nb_words=5)
    occurred_on = factory.LazyFunction(lambda: datetime.date(2026, 3, 2))
    description = CleanText("paragraph", nb_sentences=2)
    learning = CleanText("paragraph", nb_sentences=2)
    impact = CleanText("paragraph", nb_sentences=2)

    @factory.post_generation
    def statements(obj, create, extracted, **kwargs):
        if create and extracted:
            for item in extracted:
                obj.mappings.create(item=item)


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share
        skip_postgeneration_save = True

    portfolio = factory.SubFactory(PortfolioFactory)
    reader = factory.SubFactory(UserFactory)
    relationship = Share.Relationship.SUPERVISOR
    whole_portfolio = True
    can_comment = True

    @factory.post_generation
    def entries(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.entries.set(extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    entry = factory.SubFactory(EntryFactory)
    author = factory.SubFactory(UserFactory)
    author_name = factory.LazyAttribute(lambda o: str(o.author))
    author_role = "Supervisor"
    body = CleanText("paragraph", nb_sentences=2)
