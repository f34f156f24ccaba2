#!/bin/sh
# `cmake --install` into a fresh prefix inside the build directory: every
# file a Debian tool ships is there, the installed program runs, and the man
# page renders without a warning. With --deb, `cpack -G DEB` too: the
# package holds the same files and depends on what the binary links.
# Writes only under BUILD_DIR/install-test (and cmake's install_manifest.txt).
#
#   tests/install_test.sh BUILD_DIR [--deb]
set -eu
build=$(cd "$1" && pwd)
work="$build/install-test"
[ "${2:-}" = --deb ] && work="$build/install-test-deb"
rm -rf "$work"
mkdir -p "$work"

fail() {
  echo "install_test: $*" >&2
  exit 1
}

# The files under a prefix: the same list for `cmake --install` and the .deb.
shipped="bin/kumo-lint
share/man/man1/kumo-lint.1
share/bash-completion/completions/kumo-lint
share/zsh/site-functions/_kumo-lint
share/zsh/vendor-completions/_kumo-lint
share/fish/vendor_completions.d/kumo-lint.fish
share/doc/kumo-lint/README.md
share/doc/kumo-lint/CHANGELOG.md
share/doc/kumo-lint/docs/usage.md
share/doc/kumo-lint/docs/diagnostics.md
share/doc/kumo-lint/schemas/check.schema.json"

if [ "${2:-}" = --deb ]; then
  command -v dpkg-deb >/dev/null || { echo "install_test: SKIP: no dpkg-deb"; exit 77; }
  cpack -G DEB -B "$work" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
  deb=$(ls "$work"/kumo-lint_*.deb)
  contents=$(dpkg-deb -c "$deb")
  for f in $shipped; do
    echo "$contents" | grep -q " \./usr/$f\$" || fail "the .deb lacks /usr/$f"
  done
  depends=$(dpkg-deb -f "$deb" Depends)
  # The packages of what the binary links: Lua's and the C++ runtime's only
  # when they are not linked into it (KUMO_LINT_STATIC_RUNTIME, the default).
  needed=$(readelf -d "$build/cli/kumo-lint" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  linked="libyaml-0-2 libpcre2-8-0 libc6"
  not_linked=""
  for pair in liblua5.4-c++:liblua5.4-0 libstdc++:libstdc++6; do
    if echo "$needed" | grep -q "^${pair%%:*}"; then
      linked="$linked ${pair#*:}"
    else
      not_linked="$not_linked ${pair#*:}"
    fi
  done
  for p in $linked; do
    echo "$depends" | grep -q "\(^\|, \)$p\( \|,\|\$\)" || fail "the .deb does not depend on $p: $depends"
  done
  for p in $not_linked; do
    if echo "$depends" | grep -q "\(^\|, \)$p\( \|,\|\$\)"; then
      fail "the .deb depends on $p, which the binary does not link: $depends"
    fi
  done
  [ "$(dpkg-deb -f "$deb" Section)" = devel ] || fail "the .deb's section is not devel"
  echo "install_test: $(basename "$deb"): every file, Depends: $depends"
  exit 0
fi

prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" || fail "cmake --install failed"
for f in $shipped; do
  [ -f "$prefix/$f" ] || fail "$prefix/$f was not installed"
done
[ -x "$prefix/bin/kumo-lint" ] || fail "bin/kumo-lint is not executable"

version=$("$prefix/bin/kumo-lint" --version)
echo "$version" | grep -Eq '^kumo-lint [0-9]+\.[0-9]+\.[0-9]+ \(models KumoMTA at commit [0-9a-f]{12} of [0-9-]{10}\)$' ||
  fail "unexpected --version: $version"

page="$prefix/share/man/man1/kumo-lint.1"
if command -v man >/dev/null && command -v groff >/dev/null; then
  warnings=$(LC_ALL=C MANWIDTH=80 man -l --warnings "$page" 2>&1 >"$work/man.txt") || fail "man -l failed: $warnings"
  [ -z "$warnings" ] || fail "man -l warns: $warnings"
  grep -q "kumo-lint check" "$work/man.txt" || fail "man -l rendered no synopsis"
  warnings=$(LC_ALL=C groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed: $warnings"
  [ -z "$warnings" ] || fail "groff warns: $warnings"
else
  # Exit 77: ctest reports the test skipped, so a missing check is seen.
  echo "install_test: SKIP: man or groff is not installed (.ci/deps installs man-db and groff-base): every file is there and --version runs, the man page was not rendered"
  exit 77
fi
echo "install_test: installed under $prefix: $version"
