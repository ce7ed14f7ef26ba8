"""Checking a package against 1EdTech's CASE 1.1 CFPackage schema, with messages a person can act
on (where the problem is, and which field)."""

import jsonschema

from ..errors import InterchangeError
from .common import validator

_TYPE_WORDS = {
    "string": "a string",
    "object": "an object",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _where(path: list, data) -> tuple[str, list]:
    """Name the object a JSON path points into, and the path left inside it."""
    if len(path) >= 2 and path[0] in ("CFItems", "CFAssociations") and isinstance(path[1], int):
        obj = data[path[0]][path[1]]
        identifier = obj.get("identifier") if isinstance(obj, dict) else None
        where = f"{path[0]}[{path[1]}]"
        if isinstance(identifier, str) and identifier:
            where += f" (identifier {identifier})"
        return where, path[2:]
    if (
        len(path) >= 3
        and path[0] == "CFDefinitions"
        and isinstance(path[2], int)
        and isinstance(data.get("CFDefinitions"), dict)
    ):
        return f"CFDefinitions.{path[1]}[{path[2]}]", path[3:]
    if len(path) >= 2 and path[0] == "CFDocument":
        return "CFDocument", path[1:]
    return "The package", path


def _describe(error: jsonschema.ValidationError, data) -> str:
    where, rest = _where(list(error.absolute_path), data)
    field = ".".join(str(part) for part in rest)
    if error.validator == "required":
        missing = next(p for p in error.validator_value if p not in error.instance)
        return f"{where}: {'.'.join(filter(None, [field, missing]))} is missing"
    field = field or "it"
    if error.validator == "pattern":
        expected = error.schema.get("description", f"matching {error.validator_value}")
        return f"{where}: {field} {error.instance!r} is not {expected}"
    if error.validator == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        return f"{where}: {field} must be {' or '.join(_TYPE_WORDS.get(t, t) for t in expected)}"
    if error.validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {field} {error.instance!r} is not one of {options}"
    if error.validator == "minLength":
        return f"{where}: {field} is empty"
    if error.validator == "format":
        return f"{where}: {field} {error.instance!r} is not a valid {error.validator_value}"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{where}: {field} has fields CASE 1.1 does not define: {', '.join(extra)}"
    if error.validator == "oneOf" and rest and rest[-1] == "associationType":
        return (
            f"{where}: associationType {error.instance!r} is not a CASE 1.1 association type "
            "(isChildOf, isPeerOf, isPartOf, exactMatchOf, precedes, isRelatedTo, replacedBy, "
            "exemplar, hasSkillLevel, isTranslationOf) or an extension (ext: and a name)"
        )
    return f"{where}: {field}: {error.message}"


def _path_key(error: jsonschema.ValidationError):
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def validate(data) -> None:
    """Check a package against the schema; raise InterchangeError naming the first problem."""
    if not isinstance(data, dict):
        raise InterchangeError(
            "The file is not a CASE package: expected a JSON object with a CFDocument (and its "
            "CFItems and CFAssociations)"
        )
    errors = sorted(validator().iter_errors(data), key=_path_key)
    if errors:
        raise InterchangeError(_describe(errors[0], data))
