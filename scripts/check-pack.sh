#!/usr/bin/env bash
# The package as a stranger gets it: npm pack (which builds dist/), install the tarball globally
# into a temporary prefix, then, from an unrelated folder, cubesim init demo and run an experiment
# of it. Also: the tarball holds what a user runs and nothing of the tests, CI or scripts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
listing="$(tar tzf "$work/$tarball")"
for must in package/bin/cubesim.mjs package/dist/cli.mjs package/models/border-element.json package/experiments/quickstart.json package/src/report/page.ts; do
  grep -qx "$must" <<<"$listing" || { echo "check-pack: $must is not in $tarball" >&2; exit 1; }
done
if grep -qE '^package/(test|\.ci|scripts/(bench|fingerprints)|reports)/' <<<"$listing"; then
  echo "check-pack: $tarball holds files a user does not run:" >&2
  grep -E '^package/(test|\.ci|scripts/(bench|fingerprints)|reports)/' <<<"$listing" | head >&2
  exit 1
fi
npm install -g --prefix "$work/prefix" --no-audit --no-fund --loglevel=error "$work/$tarball" >/dev/null
mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$work/prefix/bin/cubesim" --version
"$work/prefix/bin/cubesim" init demo
"$work/prefix/bin/cubesim" run demo/quickstart.json --calls 50 --progress none | head -2
echo "check-pack: $(wc -l <<<"$listing") files in $tarball; installed, init and run from an unrelated folder: ok"
