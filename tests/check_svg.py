#!/usr/bin/env python3
"""Checks `timeline --format svg` outside C++: the goldens under
testdata/timeline and a run with a hostile queue name are well-formed XML
with an SVG root (mode `xml`), and each golden renders with rsvg-convert
(mode `render`; exit 77, which ctest reports as skipped, when rsvg-convert
is not installed: Debian's librsvg2-bin has it).

Usage: check_svg.py SOURCE_DIR KUMO_LINT xml|render
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
# What a policy or a user could put in a queue name to break the XML.
HOSTILE_QUEUE = b"a&b<c>\"d'e\x1b[31m\xff\xef\xbf\xbe]]></text><script>x</script>"


def goldens(source_dir):
    found = sorted((source_dir / "testdata" / "timeline").glob("*.expected.svg"))
    if not found:
        sys.exit("no golden SVG under testdata/timeline")
    return found


def check_well_formed(name, data):
    root = ElementTree.fromstring(data)  # raises ParseError: the test fails
    if root.tag != SVG_ROOT:
        sys.exit(f"{name}: root element {root.tag}, not {SVG_ROOT}")
    if root.get("version") != "1.1":
        sys.exit(f"{name}: not SVG 1.1")


def check_xml(source_dir, kumo_lint):
    for golden in goldens(source_dir):
        check_well_formed(golden.name, golden.read_bytes())
    run = subprocess.run(
        [kumo_lint, "timeline", "testdata/examples/policy.lua", "-q", HOSTILE_QUEUE, "--format", "svg"],
        cwd=source_dir, capture_output=True, check=False)
    if run.returncode not in (0, 1):
        sys.exit(f"timeline with a hostile queue name exited {run.returncode}: {run.stderr!r}")
    check_well_formed("hostile queue name", run.stdout)
    print(f"ok: {len(goldens(source_dir))} goldens and a hostile queue name are well-formed SVG")


def check_render(source_dir):
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        print("SKIP: rsvg-convert is not installed (apt-get install librsvg2-bin)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        for golden in goldens(source_dir):
            png = pathlib.Path(tmp) / (golden.stem + ".png")
            run = subprocess.run([rsvg, "--format", "png", "--output", str(png), str(golden)],
                                 capture_output=True, check=False)
            if run.returncode != 0:
                sys.exit(f"rsvg-convert {golden.name} exited {run.returncode}: {run.stderr.decode(errors='replace')}")
            data = png.read_bytes() if png.exists() else b""
            if not data.startswith(b"\x89PNG\r\n\x1a\n"):
                sys.exit(f"rsvg-convert {golden.name} wrote no PNG ({len(data)} bytes)")
            print(f"ok: {golden.name} renders ({len(data)} bytes of PNG)")


def main():
    source_dir, kumo_lint, mode = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    if mode == "xml":
        check_xml(source_dir, kumo_lint)
    elif mode == "render":
        check_render(source_dir)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
