"""Makes kubernetes-validate's "local" JSON schemas loadable offline by kubeconform: drops the
https://kubernetes.io $id and points each $ref at the sibling _definitions.json (otherwise
kubeconform silently finds no schema)."""
import json
import pathlib
import sys


def relink(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("/api/_definitions.json"):
            node["$ref"] = ref[len("/api/"):]
        for value in node.values():
            relink(value)
    elif isinstance(node, list):
        for value in node:
            relink(value)


for path in pathlib.Path(sys.argv[1]).glob("*.json"):
    schema = json.loads(path.read_text())
    if isinstance(schema, dict):
        schema.pop("$id", None)
    relink(schema)
    path.write_text(json.dumps(schema))
