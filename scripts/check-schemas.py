#!/usr/bin/env python3
"""Validate Baton manifests against the JSON Schemas in schemas/.

    scripts/check-schemas.py [--schemas DIR] [PATH ...]

Every YAML document in every *.yaml / *.yml file under the given directories (or the given
files; default: examples/hosting) is validated against schemas/<kind>.schema.json, chosen by
the document's `kind`, with JSON Schema draft 2020-12 (formats such as ipv4, ipv6 and email are
checked too). Each schema is first checked against the draft 2020-12 meta-schema.

The YAML is read with the YAML 1.2 core schema, as yaml-language-server reads it: `yes`, `on`
and `2024-01-01` are strings and only true/false are booleans, so a document that relies on
YAML 1.1 conversions fails here. Duplicate keys are reported; anchors, aliases and merge keys
(`<<`) work.

This checks the shape of each document only. Rules that span documents or files (references
between resources, unique names, homes, zone contents) are `baton validate`'s job.

Output: one line per failure, `FILE: doc N: PATH: MESSAGE`, then `N passed, M failed`
(N documents valid, M documents or schemas invalid).
Exit status: 0 all valid, 1 any failure, 3 could not run.
"""

import argparse
import difflib
import fnmatch
import json
import os
import re
import sys

try:
    import yaml
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as error:  # pragma: no cover
    print(
        f"check-schemas: missing Python module '{error.name}': "
        "install PyYAML and jsonschema (e.g. `apt-get install python3-yaml python3-jsonschema` "
        "or `pip install pyyaml jsonschema`)",
        file=sys.stderr,
    )
    sys.exit(3)

# jsonschema >= 4.12 has Validator.FORMAT_CHECKER; older 4.x (Debian 12 ships 4.10) the module-level checker
FORMAT_CHECKER = getattr(Draft202012Validator, "FORMAT_CHECKER", None) or getattr(
    jsonschema, "draft202012_format_checker", None)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PATHS = [os.path.join(REPO, "examples", "hosting")]
DEFAULT_SCHEMAS = os.path.join(REPO, "schemas")

SCHEMA_FILES = {
    "Server": "server.schema.json",
    "Account": "account.schema.json",
    "SystemUser": "systemuser.schema.json",
    "Domain": "domain.schema.json",
    "WebApp": "webapp.schema.json",
    "MonitoredSite": "monitoredsite.schema.json",
}


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------- YAML loading

class CoreLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader with YAML 1.2 core-schema scalars and duplicate-key errors."""


CoreLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
]:
    CoreLoader.add_implicit_resolver(tag, re.compile(pattern), first)


def _construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_mapping(loader, node):
    # Duplicate keys are errors; a key that overrides one brought in by a merge key (<<) is not.
    seen = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark)
        if first is not None:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"found duplicate key {key!r} (first on line {first + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=True)  # flattens merge keys


CoreLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
CoreLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def yaml_message(error):
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is None or problem is None:
        return " ".join(str(error).split())
    context = getattr(error, "context", None)
    text = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    if context and "constructing a mapping" not in context:
        text += f" ({context})"
    return text


def load_documents(path):
    """Yield (index, document, error) for each document of a YAML file (index from 1)."""
    with open(path, encoding="utf-8") as stream:
        loader = CoreLoader(stream)
        index = 0
        try:
            while loader.check_node():
                index += 1
                node = loader.get_node()
                yield index, loader.construct_document(node), None
        except yaml.YAMLError as error:
            yield max(index, 1), None, yaml_message(error)
        finally:
            loader.dispose()


# --------------------------------------------------------------------------- file discovery

def read_ignore(root):
    patterns = []
    try:
        with open(os.path.join(root, ".batonignore"), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    patterns.append(line.rstrip("/"))
    except FileNotFoundError:
        pass
    return patterns


def ignored(relpath, patterns):
    parts = relpath.split("/")
    for pattern in patterns:
        if "/" in pattern.strip("/"):
            if fnmatch.fnmatch(relpath, pattern.lstrip("/")) or relpath.startswith(pattern.strip("/") + "/"):
                return True
        elif any(fnmatch.fnmatch(part, pattern.lstrip("/")) for part in parts):
            return True
    return False


def yaml_files(path):
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise UsageError(f"{path}: no such file or directory")
    patterns = read_ignore(path)
    found = []
    for directory, subdirs, files in os.walk(path):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".yaml", ".yml")):
                full = os.path.join(directory, name)
                if not ignored(os.path.relpath(full, path).replace(os.sep, "/"), patterns):
                    found.append(full)
    return found


# --------------------------------------------------------------------------- validation

def json_path(parts):
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(document)"


def describe(error):
    """The path and the most useful message for one validation error."""
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    message = error.message
    if error.validator in ("anyOf", "oneOf"):
        if "description" in schema:
            message = f"{instance!r} is not valid: {schema['description']}"
    elif error.validator == "type" and error.validator_value == "string" and not isinstance(instance, (dict, list)):
        message += " (quote it: YAML read this scalar as a " + type(instance).__name__.replace("NoneType", "null") + ")"
    elif error.validator == "type" and error.validator_value == "boolean" and isinstance(instance, str):
        message += " (write true or false)"
    elif error.validator == "pattern" and "description" in schema:
        message = f"{instance!r} is not valid: {schema['description']}"
    elif error.validator == "not":
        key = error.absolute_path[-1] if error.absolute_path else None
        if error.validator_value == {} and key is not None:
            message = f"'{key}' is not allowed here"
            if "$comment" in schema:
                message += f" ({schema['$comment']})"
        elif "$comment" in schema:
            message = f"{instance!r}: {schema['$comment']}"
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        known = list(schema.get("properties", {}))
        hints = []
        for key in instance:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                if close:
                    hints.append(f"'{key}': did you mean '{close[0]}'?")
        if hints:
            message += " (" + "; ".join(hints) + ")"
    elif error.validator == "enum" and "propertyNames" in error.schema_path:
        close = difflib.get_close_matches(str(instance), [str(v) for v in error.validator_value], n=1)
        message = f"unknown key {instance!r}"
        message += f" (did you mean '{close[0]}'?)" if close else "; allowed: " + ", ".join(error.validator_value)
    return error.absolute_path, message


def main(argv):
    parser = argparse.ArgumentParser(description="Validate Baton manifests against schemas/*.schema.json.")
    parser.add_argument("paths", nargs="*", help="directories or files (default: examples/hosting)")
    parser.add_argument("--schemas", default=DEFAULT_SCHEMAS, help="directory of the *.schema.json files")
    args = parser.parse_args(argv)

    passed = failed = 0

    validators = {}
    for kind, filename in SCHEMA_FILES.items():
        schema_path = os.path.join(args.schemas, filename)
        try:
            with open(schema_path, encoding="utf-8") as f:
                schema = json.load(f)
        except FileNotFoundError:
            print(f"check-schemas: {schema_path}: no such file", file=sys.stderr)
            return 3
        except json.JSONDecodeError as error:
            print(f"{schema_path}: schema: (schema): not valid JSON: {error}")
            failed += 1
            continue
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            print(f"{schema_path}: schema: {json_path(error.absolute_path)}: {error.message}")
            failed += 1
            continue
        validators[kind] = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)

    try:
        files = [f for path in (args.paths or DEFAULT_PATHS) for f in yaml_files(path)]
    except UsageError as error:
        print(f"check-schemas: {error}", file=sys.stderr)
        return 3

    for path in files:
        shown = os.path.relpath(path)
        if shown.startswith(".."):
            shown = path
        for index, document, load_error in load_documents(path):
            def fail(where, message):
                print(f"{shown}: doc {index}: {where}: {message}")

            if load_error:
                fail("(yaml)", load_error)
                failed += 1
                continue
            if document is None:  # an empty document, e.g. after a trailing ---
                continue
            if not isinstance(document, dict):
                fail("(document)", f"expected a mapping, found {type(document).__name__}")
                failed += 1
                continue
            kind = document.get("kind")
            if kind not in SCHEMA_FILES:
                if kind is None:
                    fail("kind", "missing; one of " + ", ".join(SCHEMA_FILES))
                else:
                    close = difflib.get_close_matches(str(kind), list(SCHEMA_FILES), n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    fail("kind", f"unknown kind {kind!r}{hint}; one of " + ", ".join(SCHEMA_FILES))
                failed += 1
                continue
            validator = validators.get(kind)
            if validator is None:
                fail("kind", f"the {kind} schema is invalid (see above)")
                failed += 1
                continue
            errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
            if errors:
                for error in errors:
                    where, message = describe(error)
                    fail(json_path(where), message)
                failed += 1
            else:
                passed += 1

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
