#!/usr/bin/python3
"""Runs `kumo-lint check --format json` on every policy under testdata/ (with
its .args, as the golden test does) and validates each document against
schemas/check.schema.json, which refers to queue_config and timeline.
Usage: validate_schemas.py SOURCE_DIR KUMO_LINT_BINARY. Run by ctest; needs
Debian's python3-jsonschema."""
import glob
import json
import os
import subprocess
import sys

import jsonschema

root = sys.argv[1]
schemas = {}
for path in glob.glob(os.path.join(root, "schemas", "*.schema.json")):
    with open(path) as f:
        schema = json.load(f)
    schemas[schema["$id"]] = schema

resolver = jsonschema.RefResolver("", schemas["check.schema.json"], store=schemas)
validator = jsonschema.Draft202012Validator(schemas["check.schema.json"], resolver=resolver)
os.chdir(root)
binary = sys.argv[2]
checked = 0
failures = 0
policies = sorted(glob.glob("testdata/policies/*/*.lua") + glob.glob("testdata/examples/*.lua"))
# Policies built on KumoMTA's helpers need them from ../shared/kumomta.
if os.path.isdir("../shared/kumomta/policy-extras"):
    policies += sorted(glob.glob("testdata/helpers/*.lua"))
for policy in policies:
    args_file = policy[:-4] + ".args"
    args = ["-q", "example.com"]
    if os.path.exists(args_file):
        with open(args_file) as f:
            args = [line for line in f.read().split("\n") if line]
    run = subprocess.run([binary, "check", policy, *args, "--format", "json"], capture_output=True)
    for error in validator.iter_errors(json.loads(run.stdout.decode("utf-8", errors="replace"))):
        failures += 1
        print(f"{policy}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    checked += 1
print(f"{checked} documents checked against schemas/check.schema.json, {failures} problems")
sys.exit(1 if failures or checked == 0 else 0)
