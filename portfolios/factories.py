import datetime

import factory

from accounts.factories import UserFactory

from .models import Comment, Entry, Portfolio, Share


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
    title = factory.Faker("sentence", nb_words=5)
    occurred_on = factory.LazyFunction(lambda: datetime.date(2026, 3, 2))
    description = factory.Faker("paragraph", nb_sentences=2)
    learning = factory.Faker("paragraph", nb_sentences=2)
    impact = factory.Faker("paragraph", nb_sentences=2)

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
    body = factory.Faker("paragraph", nb_sentences=2)
