"""1EdTech CASE 1.1 packages: export a framework version as a CFPackage and import one back.

A version is a CFDocument; every group, domain, level and statement is a CFItem. The CFAssociations
of a package are the version's stored `Association` rows (crosswalks, and every association of a
package imported from elsewhere) plus, for Capable's own frameworks, the structure, derived
from foreign keys with deterministic identifiers:

- each top-level item (a group, a level, a domain without a group, a statement without a domain)
  `isChildOf` the CFDocument;
- a domain `isChildOf` its group, a statement `isChildOf` its domain and `isPartOf` its level;
- level N `precedes` level N+1.

What CASE has no field for travels in each object's `extensions` (CASE 1.1):

- CFDocument: `frameworkSlug`, `frameworkKind` (pcf/pqs), `frameworkDescription`, `versionSlug`
  and, when the version has one, `predecessorURI` (a link to the previous version's CFDocument);
- CFItem: `slug`, `stage` and `pathways`, when set.

A stored association's rationale (`Association.notes`) travels in the CFAssociation's `notes`.

The export is valid against 1EdTech's CASE 1.1 CFPackage JSON Schema (schema/, unchanged): no
`CFPackageURI` on the CFDocument and no `CFDocumentURI` on items or associations, which that
schema does not allow. Every URI resolves on this site under /ims/case/v1p1/ (see
`capabilities.case_api`). Output is deterministic, so exporting the same version twice, or
exporting, importing into an empty database and exporting again, gives the same JSON. What the
importer accepts and keeps is in `importer`'s docstring.

Modules: `common` (URIs, item types, the schema), `export`, `validation`, `importer`, `structure`
(how an imported package's structure is read), `rest` (REST bodies), `drafts`.
"""

from .common import (
    API_PATH,
    CASE_VERSION,
    ITEM_TYPES,
    KIND_TYPE,
    SCHEMA_PATH,
    STANDARD,
    case_uri,
    document_link,
    find_item_type,
    format_datetime,
    item_link,
    item_type_identifier,
    item_type_json,
    schema,
    structural_identifier,
    validator,
)
from .export import (
    STORED_STRUCTURE,
    derived_associations,
    document_json,
    dumps,
    export_package,
    find_derived_association,
    find_kept_association,
    item_json,
    stored_association_json,
)
from .importer import import_package, normalise
from .validation import validate

__all__ = [
    "API_PATH",
    "CASE_VERSION",
    "ITEM_TYPES",
    "KIND_TYPE",
    "SCHEMA_PATH",
    "STANDARD",
    "STORED_STRUCTURE",
    "case_uri",
    "derived_associations",
    "document_json",
    "document_link",
    "dumps",
    "export_package",
    "find_derived_association",
    "find_item_type",
    "find_kept_association",
    "format_datetime",
    "import_package",
    "item_json",
    "item_link",
    "item_type_identifier",
    "item_type_json",
    "normalise",
    "schema",
    "stored_association_json",
    "structural_identifier",
    "validate",
    "validator",
]
