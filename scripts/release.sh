#!/usr/bin/env bash
# Tag a release: vX.Y.Z from package.json's version, and move the major tag vX to it, as the
# typescript-action template does. Run on a clean, up-to-date main after updating CHANGELOG.md and
# the version in package.json:
#   scripts/release.sh            # tag and push
#   scripts/release.sh --dry-run  # say what would happen
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
[ "${1:-}" = "--dry-run" ] && dry_run=true

version=$(node -p "require('./package.json').version")
tag="v${version}"
major="v${version%%.*}"

if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "package.json version '$version' is not X.Y.Z" >&2
  exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
  echo "The working tree is not clean: commit or stash first." >&2
  exit 1
fi
if git rev-parse -q --verify "refs/tags/${tag}" >/dev/null; then
  echo "${tag} already exists: raise the version in package.json." >&2
  exit 1
fi
if ! grep -q "^## \[${version}\]" CHANGELOG.md; then
  echo "CHANGELOG.md has no '## [${version}]' section." >&2
  exit 1
fi
# The committed bundle must be what the sources build to: users run dist/, not src/.
node scripts/check-dist.mjs

run() {
  if $dry_run; then echo "would run: $*"; else "$@"; fi
}
run git tag -a "${tag}" -m "${tag}"
run git tag -fa "${major}" -m "${major} (points at ${tag})"
run git push origin "${tag}"
run git push origin "${major}" --force
echo "Released ${tag}; ${major} now points at it."
