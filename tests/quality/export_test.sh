#!/usr/bin/env bash
# scripts/export_activations.py on a tiny randomly initialised model (no pretrained weights are
# available offline), then attnbench reading its export. Skipped (77) without Debian's PyTorch
# (scripts/setup --with-torch).
#   export_test.sh ATTNBENCH SOURCE_DIR
set -euo pipefail
/usr/bin/python3 -c "import torch, numpy" 2>/dev/null || { echo "torch is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$(dirname "$0")/export_test.py" "$1" "$2" "$work"
