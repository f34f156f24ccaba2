#!/usr/bin/python3
"""Runs `kumo-lint check` on every policy under testdata/ (with its .args, as
the golden test does) and validates each document against a JSON Schema.
Usage: validate_schemas.py SOURCE_DIR KUMO_LINT_BINARY [json|jsonl|sarif|diff]
  json  (default) `--format json` against schemas/check.schema.json, which
        refers to queue_config and timeline.
  jsonl `--format jsonl`, each line against schemas/check-jsonl.schema.json;
        its results and summaries must also be the json run's.
  sarif `--format sarif` against SARIF 2.1.0's official schema, read from
        ../shared/schemas/sarif-2.1.0-rtm.5.json; without that file the test
        reports itself skipped (exit 77, ctest's SKIP_RETURN_CODE).
  diff  `kumo-lint diff` of every testdata/diff case (its .args) with
        `--format json` against schemas/diff.schema.json.
Run by ctest; needs Debian's python3-jsonschema."""
import glob
import json
import os
import subprocess
import sys

import jsonschema

SKIPPED = 77


def check_schema_validator(root, schema_id="check.schema.json"):
    schemas = {}
    for path in glob.glob(os.path.join(root, "schemas", "*.schema.json")):
        with open(path) as f:
            schema = json.load(f)
        schemas[schema["$id"]] = schema
    resolver = jsonschema.RefResolver("", schemas[schema_id], store=schemas)
    return jsonschema.Draft202012Validator(schemas[schema_id], resolver=resolver), "schemas/" + schema_id


def jsonl_problems(policy, lines, json_doc):
    """Where the jsonl lines of a run say something else than its json document."""
    policies = json_doc["policies"] if "policies" in json_doc else [json_doc]
    results = [dict(r, kind="result", policy=p["policy"]) for p in policies for r in p["results"]]
    ends = [p["summary"] for p in policies]
    problems = []
    if [line for line in lines if line.get("kind") == "result"] != results:
        problems.append(f"{policy}: jsonl results differ from json's")
    if [line["summary"] for line in lines if line.get("kind") == "policy_end"] != ends:
        problems.append(f"{policy}: jsonl policy summaries differ from json's")
    # format_version 2: json's top-level diagnostics are the policy's own,
    # which jsonl gives in its policy and policy_end lines.
    own = []
    for p in policies:
        mine = [d for line in lines if line.get("kind") in ("policy", "policy_end") and line.get("policy") == p["policy"]
                for d in line["diagnostics"]]
        own.append(sorted(mine, key=json.dumps))
    if own != [sorted(p["diagnostics"], key=json.dumps) for p in policies]:
        problems.append(f"{policy}: jsonl policy-level diagnostics differ from json's top-level ones")
    if lines and lines[-1].get("kind") != "summary":
        problems.append(f"{policy}: jsonl does not end with the run's summary")
    return problems


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


def validate_diff_output(root, binary):
    validator, name = check_schema_validator(root, "diff.schema.json")
    os.chdir(root)
    cases = sorted(glob.glob("testdata/diff/*.args"))
    failures = 0
    for case in cases:
        run = subprocess.run([binary, "diff", *case_args(case[:-5] + ".lua"), "--format", "json"], capture_output=True)
        for error in validator.iter_errors(json.loads(run.stdout.decode("utf-8", errors="replace"))):
            failures += 1
            print(f"{case}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    print(f"{len(cases)} documents checked against {name}, {failures} problems")
    sys.exit(1 if failures or not cases else 0)


def main():
    root, binary = sys.argv[1], sys.argv[2]
    fmt = sys.argv[3] if len(sys.argv) > 3 else "json"
    if fmt == "diff":
        validate_diff_output(root, binary)
    if fmt == "sarif":
        validator, name = sarif_validator(root)
    else:
        validator, name = check_schema_validator(root, "check-jsonl.schema.json" if fmt == "jsonl" else "check.schema.json")
    os.chdir(root)
    checked = 0
    failures = 0
    for policy in testdata_policies():
        run = subprocess.run([binary, "check", policy, *case_args(policy), "--format", fmt], capture_output=True)
        text = run.stdout.decode("utf-8", errors="replace")
        documents = [json.loads(line) for line in text.split("\n") if line] if fmt == "jsonl" else [json.loads(text)]
        for document in documents:
            for error in validator.iter_errors(document):
                failures += 1
                print(f"{policy}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
        if fmt == "jsonl":
            as_json = subprocess.run([binary, "check", policy, *case_args(policy), "--format", "json"], capture_output=True)
            for problem in jsonl_problems(policy, documents, json.loads(as_json.stdout.decode("utf-8", errors="replace"))):
                failures += 1
                print(problem)
        checked += 1
    print(f"{checked} documents checked against {name}, {failures} problems")
    sys.exit(1 if failures or checked == 0 else 0)


main()
