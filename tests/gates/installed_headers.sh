#!/usr/bin/env bash
# Every header `cmake --install` puts under include/attnbench compiles alone: one generated
# translation unit per header, which includes it twice (its include guard) and nothing else,
# compiled against the installed prefix only (no source tree on the path), with the warnings the
# project builds with. The installed API is exactly include/attnbench of the source tree, the
# generated version.hpp and the forwarding headers of compat/core.
#   installed_headers.sh ATTNBENCH_BUILD_DIR SOURCE_DIR CXX
set -u
build=$1 src=$2 cxx=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  fail "cmake --install: $(tail -5 "$work/install.log")"
inc=$work/prefix/include
api=$(cd "$src/include/attnbench" && ls *.hpp | sort)
installed=$(cd "$inc/attnbench" && ls *.hpp | grep -vx version.hpp | sort)
[ "$api" = "$installed" ] || fail "installed API headers differ from include/attnbench: $(diff <(echo "$api") <(echo "$installed"))"
[ -f "$inc/attnbench/compat/core/plugin.hpp" ] || fail "no forwarding header compat/core/plugin.hpp"

count=0
while IFS= read -r header; do
  name=${header#"$inc/"}
  case $name in
    attnbench/compat/*) line="#include \"${name#attnbench/compat/}\"" ;;  # as 0.1 plugins wrote it
    *) line="#include <$name>" ;;
  esac
  tu=$work/tu_$count.cpp
  printf '%s\n%s\n' "$line" "$line" >"$tu"
  "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion \
    -Werror -Wno-missing-field-initializers -I "$inc" -I "$inc/attnbench/compat" "$tu" >"$work/out" 2>&1 ||
    fail "$name does not compile alone: $(head -20 "$work/out")"
  count=$((count + 1))
done < <(find "$inc" -name '*.hpp' | sort)
[ "$count" -ge 10 ] || fail "only $count headers installed"
echo "PASS: $count installed headers each compile alone"
