#!/usr/bin/env bash
# Install the course's real data from Debian where apt and root are available:
# dataset-fashion-mnist (images) and fortunes (text). Series ship inside statsmodels (pip).
# Elsewhere, say so in one line: the demo then trains on scikit-learn's digits (pip-installed).
set -euo pipefail
missing=()
[ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
[ -d /usr/share/games/fortunes ] || missing+=(fortunes)
if [ "${#missing[@]}" = 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "installed Debian ${missing[*]} (/usr/share/datasets/fashion-mnist, /usr/share/games/fortunes)"
else
  echo "no apt or no root: ${missing[*]} not installed; real data comes from pip (scikit-learn digits, statsmodels series)."
fi
