"""Runs the hook of .pre-commit-hooks.yaml as pre-commit would (its entry,
then the staged file names) against the built kumo-lint: the hook passes on
a clean policy and fails with the worst exit code when one has an error.

usage: precommit_hook.py SOURCE_DIR KUMO_LINT_BINARY
"""
import os
import re
import shlex
import subprocess
import sys


def hook_field(text, name):
    match = re.search(r"^\s*-?\s*" + name + r":\s*(.+)$", text, re.MULTILINE)
    if not match:
        sys.exit(f".pre-commit-hooks.yaml has no {name}:")
    return match.group(1).strip()


def main():
    source_dir, binary = sys.argv[1], sys.argv[2]
    text = open(os.path.join(source_dir, ".pre-commit-hooks.yaml"), encoding="utf-8").read()
    entry = shlex.split(hook_field(text, "entry"))
    files = re.compile(hook_field(text, "files"))
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(binary)) + os.pathsep + os.environ["PATH"])
    clean = "testdata/examples/policy.lua"
    bad = "testdata/policies/bad/kq001_unknown_key.lua"
    failures = []
    for names, expected in (([clean], 0), ([clean, bad], 1), ([bad, clean], 1)):
        run = subprocess.run(entry + names, cwd=source_dir, env=env, capture_output=True, text=True)
        if run.returncode != expected:
            failures.append(f"{names}: exit {run.returncode}, expected {expected}\n{run.stdout}{run.stderr}")
    for name, matches in (("init.lua", True), ("deploy/policy/init.lua", True), ("lib/queue.lua", False)):
        if bool(files.search(name)) != matches:
            failures.append(f"files: {files.pattern} on {name}: expected {matches}")
    if failures:
        sys.exit("\n".join(failures))
    print("pre-commit hook: ok")


main()
