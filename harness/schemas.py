"""JSON Schemas exported from the typed models (the single source of truth).

The repo keeps copies in schemas/ for editors (yaml-language-server) and readers; a test checks
that they match these functions' output.
"""

from __future__ import annotations

from harness.store.record import RECORD_SCHEMA_VERSION, TrialRecord
from harness.suite.schema import SUITE_SCHEMA_VERSION, Suite


def suite_schema() -> dict:
    schema = Suite.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"harness suite (schema version {SUITE_SCHEMA_VERSION})"
    return schema


def record_schema() -> dict:
    schema = TrialRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"harness trial record (schema version {RECORD_SCHEMA_VERSION})"
    return schema
