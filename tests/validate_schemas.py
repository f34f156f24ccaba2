#!/usr/bin/python3
"""Runs `kumo-lint check` on every policy under testdata/ (with its .args, as
the golden test does) and validates each document against a JSON Schema.
Usage: validate_schemas.py SOURCE_DIR KUMO_LINT_BINARY [json|sarif]
  json  (default) `--format json` against schemas/check.schema.json, which
        refers to queue_config and timeline.
  sarif `--format sarif` against SARIF 2.1.0's official schema, read from
        ../shared/schemas/sarif-2.1.0-rtm.5.json; without that file the test
        reports itself skipped (exit 77, ctest's SKIP_RETURN_CODE).
Run by ctest; needs Debian's python3-jsonschema."""
import glob
import json
import os
import subprocess
import sys

import jsonschema

SKIPPED = 77


def check_schema_validator(root):
    schemas = {}
    for path in glob.glob(os.path.join(root, "schemas", "*.schema.json")):
        with open(path) as f:
            schema = json.load(f)
        schemas[schema["$id"]] = schema
    resolver = jsonschema.RefResolver("", schemas["check.schema.json"], store=schemas)
    return jsonschema.Draft202012Validator(schemas["check.schema.json"], resolver=resolver), "schemas/check.schema.json"


def sarif_validator(root):
    path = os.path.join(root, "..", "shared", "schemas", "sarif-2.1.0-rtm.5.json")
    if not os.path.exists(path):
        print(f"skipped: {path} (SARIF 2.1.0's schema) is not present")
        sys.exit(SKIPPED)
    with open(path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    # The schema must be able to refuse: a log without "runs" is not SARIF.
    if validator.is_valid({"version": "2.1.0"}):
        print(f"{path} accepts a log without runs: not the SARIF schema")
        sys.exit(1)
    return validator, "SARIF 2.1.0 (sarif-2.1.0-rtm.5.json)"


def testdata_policies():
    policies = sorted(glob.glob("testdata/policies/*/*.lua") + glob.glob("testdata/examples/*.lua")
                      + glob.glob("testdata/several/*.lua"))
    # Policies built on KumoMTA's helpers need them from ../shared/kumomta.
    if os.path.isdir("../shared/kumomta/policy-extras"):
        policies += sorted(glob.glob("testdata/helpers/*.lua"))
    return policies


def case_args(policy):
    args_file = policy[:-4] + ".args"
    if not os.path.exists(args_file):
        return ["-q", "example.com"]
    with open(args_file) as f:
        return [line for line in f.read().split("\n") if line]


def main():
    root, binary = sys.argv[1], sys.argv[2]
    fmt = sys.argv[3] if len(sys.argv) > 3 else "json"
    validator, name = sarif_validator(root) if fmt == "sarif" else check_schema_validator(root)
    os.chdir(root)
    checked = 0
    failures = 0
    for policy in testdata_policies():
        run = subprocess.run([binary, "check", policy, *case_args(policy), "--format", fmt], capture_output=True)
        for error in validator.iter_errors(json.loads(run.stdout.decode("utf-8", errors="replace"))):
            failures += 1
            print(f"{policy}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        checked += 1
    print(f"{checked} documents checked against {name}, {failures} problems")
    sys.exit(1 if failures or checked == 0 else 0)


main()
