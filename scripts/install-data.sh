#!/usr/bin/env bash
# Install Debian's Fashion-MNIST (the course's real data) where apt and root are available.
# Elsewhere, say so in one line: the demo then trains on scikit-learn's digits (pip-installed).
set -euo pipefail
if [ -d /usr/share/datasets/fashion-mnist ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
  echo "installed Debian dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)"
else
  echo "no apt or no root: Fashion-MNIST not installed; real data comes from pip (scikit-learn digits)."
fi
