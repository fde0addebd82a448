#!/usr/bin/env bash
# Vendors axe-core (the accessibility checker the browser tests run in each page) from its npm
# package: a pinned version, checked by sha256 before and after unpacking, so the tests need
# no network and always run the same rules. axe-core is MPL-2.0 (Deque Systems); its licence
# files are copied beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.14.1
TGZ_SHA256=e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745
JS_SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
OUT=tests/browser/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$VERSION" >/dev/null)
echo "$TGZ_SHA256  $work/axe-core-$VERSION.tgz" | sha256sum -c -
tar -xzf "$work/axe-core-$VERSION.tgz" -C "$work"
echo "$JS_SHA256  $work/package/axe.min.js" | sha256sum -c -
mkdir -p "$OUT"
cp "$work/package/axe.min.js" "$OUT/axe.min.js"
cp "$work/package/LICENSE" "$OUT/axe-core.LICENSE"
cp "$work/package/LICENSE-3RD-PARTY.txt" "$OUT/axe-core.LICENSE-3RD-PARTY.txt"
echo "axe-core $VERSION vendored into $OUT"
