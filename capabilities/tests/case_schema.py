"""Validation of packages against 1EdTech's official CASE 1.1 CFPackage JSON Schema (the copy in
capabilities/interchange/schema/, see its README), for tests: Draft 2019-09, with format checks."""

import json
import re
from datetime import datetime
from functools import cache

import jsonschema

from capabilities.interchange.case import SCHEMA_PATH

OFFICIAL_ID = (
    "https://purl.imsglobal.org/spec/case/v1p1/schema/json/case_v1p1_cfpackage-jsonschema1.json"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@cache
def official_schema() -> dict:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$id"] == OFFICIAL_ID
    jsonschema.Draft201909Validator.check_schema(schema)
    return schema


def _checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(["uuid", "date"])

    @checker.checks("date-time")
    def date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        return bool(RFC3339.match(value)) and bool(datetime.fromisoformat(value))

    return checker


def schema_errors(package: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(official_schema(), format_checker=_checker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
