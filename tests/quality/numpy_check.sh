#!/usr/bin/env bash
# The quality figures against an independent computation: numpy, on the masks `attnbench mask
# --npy` exports and the same .npy inputs (tests/quality/numpy_check.py). Skipped (77) without
# numpy (scripts/setup --with-numpy; .ci/run installs it).
#   numpy_check.sh ATTNBENCH
set -euo pipefail
/usr/bin/python3 -c "import numpy" 2>/dev/null || { echo "numpy is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$(dirname "$0")/numpy_check.py" "$1" "$work"
