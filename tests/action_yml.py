#!/usr/bin/env python3
"""The GitHub Action (action.yml at the root) is a valid composite action
whose inputs are the documented ones, and its check step, run as the runner
would run it (inputs as environment variables, the build in $RUNNER_TEMP),
checks a policy with the built kumo-lint.

    action_yml.py SOURCE_DIR KUMO_LINT_BINARY WORK_DIR

Exit 77 (skipped) when PyYAML is missing (.ci/deps installs python3-yaml).
"""
import os
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("action_yml: SKIP: no PyYAML (python3-yaml)")
    sys.exit(77)


def main(source_dir, binary, work_dir):
    with open(os.path.join(source_dir, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    for key in ("name", "description", "inputs", "runs"):
        assert key in action, f"action.yml has no {key}"
    inputs = action["inputs"]
    assert inputs["policy"]["required"] is True, "policy must be required"
    assert inputs["format"]["default"] == "github", "format defaults to github"
    assert inputs["args"]["default"] == "", "args defaults to nothing"
    runs = action["runs"]
    assert runs["using"] == "composite"
    for step in runs["steps"]:
        assert "shell" in step, f"a composite step needs a shell: {step['name']}"
    scripts = "\n".join(step["run"] for step in runs["steps"])
    assert ".ci/deps" in scripts, "the action installs the dependencies"
    assert "--target kumo-lint" in scripts, "the action builds only the tool"

    # The check step, with the build where the build step puts it.
    check = runs["steps"][-1]
    cli_dir = os.path.join(work_dir, "kumo-lint-build", "cli")
    os.makedirs(cli_dir, exist_ok=True)
    link = os.path.join(cli_dir, "kumo-lint")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(binary), link)
    env = dict(os.environ, RUNNER_TEMP=work_dir)
    for name, value in check["env"].items():
        key = value.replace("${{ inputs.", "").replace(" }}", "")
        env[name] = {"policy": "testdata/examples/policy.lua", "format": inputs["format"]["default"],
                     "args": "--select KQ2 --fail-level error", "output": ""}[key]
    run = subprocess.run([check["shell"], "-c", check["run"]], cwd=source_dir, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr}"
    assert "::warning file=testdata/examples/policy.lua,line=" in run.stdout, run.stdout
    print("action_yml: action.yml is a composite action; its check step ran kumo-lint")


if __name__ == "__main__":
    main(*sys.argv[1:4])
