#!/usr/bin/env bash
# `mask`, `density` and `gallery` on a config's entries and cases, through the binary: an entry
# of several masks is refused (exit 2) with the ids to choose from, one of those ids picks its
# mask, and options that belong to the other form are refused.
set -u
bin=$1
configs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
quick="$configs/quick.yaml"

# Entry 1 (a causal window, radius 64 and 128, at 512 and 1000 tokens) holds four masks.
out=$("$bin" mask --config "$quick" --entry 1 --npy "$work/m.npy" 2>&1); code=$?
[ "$code" = 2 ] || fail "an entry of four masks exited $code, expected 2: $out"
echo "$out" | grep -q "4 different masks" || fail "the refusal does not count the masks: $out"
[ "$(echo "$out" | grep -c -- "--case 'sliding_window:")" = 8 ] || fail "not every id listed: $out"
[ ! -e "$work/m.npy" ] || fail "a refused mask wrote its file"

# The ids listed are ids --case takes, with or without --entry (label or index).
id=$(echo "$out" | grep -o "sliding_window:radius=128[^']*q512[^']*sparse[^']*" | head -1)
[ -n "$id" ] || fail "no id for radius 128 at 512 tokens in: $out"
"$bin" mask --config "$quick" --case "$id" --npy "$work/m.npy" --ascii >"$work/ascii" 2>&1 || fail "mask --case failed: $(cat "$work/ascii")"
[ "$(head -c 6 "$work/m.npy" | tail -c 5)" = "NUMPY" ] || fail "mask --case wrote no .npy"
# 512 x 512 bytes after a 128-byte header: the causal window of 128 keys behind each query.
[ "$(stat -c %s "$work/m.npy")" = $((128 + 512 * 512)) ] || fail "unexpected .npy size $(stat -c %s "$work/m.npy")"
grep -q "^head 0: 8 x 8 tiles" "$work/ascii" || fail "no block view: $(cat "$work/ascii")"
"$bin" mask --config "$quick" --entry 1 --case "$id" --png "$work/m.png" >/dev/null 2>&1 || fail "--entry with --case failed"
[ "$(head -c 4 "$work/m.png" | tail -c 3)" = "PNG" ] || fail "no PNG"
"$bin" mask --config "$quick" --entry 0 --case "$id" --ascii >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "a case of another entry exited $code, expected 2"

# Options of the other form are refused, as are --entry and --case without a config.
for options in "sliding_window --seq-len 64" "--seq-len 64" "--heads 2" "--block 32"; do
  out=$("$bin" mask --config "$quick" --case "$id" --ascii $options 2>&1); code=$?
  [ "$code" = 2 ] || fail "mask --config with $options exited $code, expected 2: $out"
done
"$bin" mask sliding_window --seq-len 64 --set radius=8 --entry 1 --ascii >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "--entry without --config exited $code, expected 2"
out=$("$bin" mask --ascii 2>&1); code=$?
[ "$code" = 2 ] || fail "mask without a pattern or config exited $code, expected 2"
echo "$out" | grep -q -- "--config" || fail "mask without a pattern does not name --config: $out"
out=$("$bin" mask --config "$quick" --entry nine --ascii 2>&1); code=$?
[ "$code" = 2 ] || fail "an unknown entry exited $code, expected 2"
echo "$out" | grep -q "0 to 2" || fail "an unknown entry does not give the range: $out"

# density and gallery keep the chosen cases.
"$bin" density --config "$quick" --entry 1 --format csv >"$work/density.csv" 2>&1 || fail "density --entry failed: $(cat "$work/density.csv")"
[ "$(grep -c "sliding_window" "$work/density.csv")" = 4 ] || fail "density --entry 1 is not the entry's 4 masks: $(cat "$work/density.csv")"
grep -q "block_local" "$work/density.csv" && fail "density --entry 1 holds another entry"
"$bin" gallery "$quick" --case "$id" --out "$work/g.png" >/dev/null 2>&1 || fail "gallery --case failed"
[ "$(head -c 4 "$work/g.png" | tail -c 3)" = "PNG" ] || fail "gallery wrote no PNG"
echo "mask on config entries: all checks passed"
