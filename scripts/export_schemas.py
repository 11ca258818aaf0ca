"""Write schemas/suite.schema.json and schemas/record.schema.json from the typed models."""

import json
from pathlib import Path

from harness.schemas import record_schema, suite_schema

out = Path(__file__).resolve().parents[1] / "schemas"
out.mkdir(exist_ok=True)
for name, schema in (("suite", suite_schema()), ("record", record_schema())):
    (out / f"{name}.schema.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
    print(f"wrote schemas/{name}.schema.json")
