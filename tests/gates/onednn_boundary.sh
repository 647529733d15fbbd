#!/usr/bin/env bash
# oneDNN stays behind src/exec (issue 23): no file of src/ outside src/exec names it, and no
# header of src/exec that (directly or through another exec header) includes oneDNN is included
# from outside src/exec. bench/ and tests/ may use oneDNN directly and are not looked at.
#   onednn_boundary.sh SOURCE_DIR
set -u
cd "$1" || exit 1
fail=0

# 1. The name itself, in code and comments alike (the grep of the issue's "done when").
outside=$(grep -rn --include='*.hpp' --include='*.cpp' -e dnnl -e 'oneapi/' src | grep -v '^src/exec/')
if [ -n "$outside" ]; then
  echo "FAIL: oneDNN named outside src/exec:"
  echo "$outside"
  fail=1
fi

# 2. The exec headers that pull oneDNN in, to a fixed point over exec's own includes.
leaky=$(grep -l 'include <oneapi/' src/exec/*.hpp | xargs -r -n1 basename | sort -u)
while :; do
  grown=$leaky
  for h in src/exec/*.hpp; do
    for l in $leaky; do
      grep -q "include \"exec/$l\"" "$h" && grown=$(printf '%s\n%s\n' "$grown" "$(basename "$h")")
    done
  done
  grown=$(echo "$grown" | sort -u)
  [ "$grown" = "$leaky" ] && break
  leaky=$grown
done
[ -n "$leaky" ] || { echo "FAIL: found no exec header that includes oneDNN: is the check stale?"; exit 1; }
for l in $leaky; do
  users=$(grep -rln --include='*.hpp' --include='*.cpp' "include \"exec/$l\"" src | grep -v '^src/exec/')
  if [ -n "$users" ]; then
    echo "FAIL: exec/$l includes oneDNN and is included outside src/exec by:"
    echo "$users"
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "PASS: oneDNN behind src/exec; headers that include it: $(echo $leaky)"
exit $fail
