"""Every form class the project defines, for the tests that walk them all (the guard on free
text, the bounds on dates). Our apps are the installed apps whose code lives in this checkout,
outside any virtual environment, so a new app is walked without being listed anywhere."""

import importlib
import pkgutil
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings


def project_apps() -> list[str]:
    base = Path(settings.BASE_DIR).resolve()
    names = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            names.append(config.name)
    return names


# Modules that import one database's search backend, which reads that database's models at
# import time (modelsearch's SQLite backend fails to import on PostgreSQL): no forms there.
ONE_DATABASE_ONLY = {"search.backend_sqlite", "search.backend_postgres"}


def _import_all(app: str) -> None:
    package = importlib.import_module(app)
    for info in pkgutil.walk_packages(package.__path__, f"{app}."):
        name = info.name
        if ".tests" in name or ".migrations" in name or name.startswith("cms.settings"):
            continue
        if name in ONE_DATABASE_ONLY:
            continue
        importlib.import_module(name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type[forms.BaseForm]]:
    ours = project_apps()
    for app in ours:
        _import_all(app)
    return sorted(
        {
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in ours and ".tests" not in cls.__module__
        },
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )
