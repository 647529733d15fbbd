#!/usr/bin/env bash
# `attnbench conformance` says which geometries a plugin refused, and fails a plugin that refuses
# every rectangular and bottom-right instance without declaring itself square-only (issue 23).
#   conformance_skips.sh ATTNBENCH SQUARE_UNDECLARED.so SQUARE_DECLARED.so
set -u
bin=$1 undeclared=$2 declared=$3
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*"; cat "$out"; exit 1; }
says() { grep -qF -- "$1" "$out" || fail "the output does not say: $1"; }

"$bin" conformance --plugin "$undeclared" >"$out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "conformance exited $rc on a square-only plugin that does not say so (expected 1)"
says "FAIL geometries   square_undeclared refused every rectangular and every bottom-right instance but does not declare itself square-only"
# All four non-square geometries listed with their kind, lengths, align and the plugin's reason.
says "skip rectangular  q50 kv130 top_left: refused by 1 of 1 parameter sets (square lengths with align top_left only)"
says "skip bottom-right q130 kv50 bottom_right: refused by 1 of 1 parameter sets"
[ "$(grep -c '^  skip ' "$out")" -eq 4 ] || fail "expected 4 refused geometries listed"

"$bin" conformance --plugin "$declared" >"$out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "conformance exited $rc on a plugin that declares square_only (expected 0)"
says "square-only (declared): rectangular and bottom-right instances not required"
[ "$(grep -c '^  skip ' "$out")" -eq 4 ] || fail "a declared square-only plugin's refusals are not listed"
says "ok   geometries   4 square, 0 rectangular, 0 bottom-right instances"
echo "PASS: refusals listed; undeclared square-only plugin failed, declared one passed"
