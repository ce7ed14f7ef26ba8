"""The task that renders a large portfolio's PDF (issue 19), run by the worker in production
(`manage.py db_worker`) and inside the request with the immediate backend (tests, `make run`)."""

from django_tasks import task

from . import pdf_exports


@task()
def prepare_portfolio_pdf(prepared_uuid: str) -> int | None:
    """Render the PDF asked for as `PreparedPDF` `prepared_uuid`; returns its size in bytes."""
    prepared = pdf_exports.prepare(prepared_uuid)
    return prepared.size if prepared is not None else None
