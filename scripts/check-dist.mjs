#!/usr/bin/env node
// Proves dist/ is what the sources build to: bundles into a temporary folder with the same
// command as `npm run bundle` (scripts/bundle.mjs) and compares every file. Exit 1 (with the
// differing files) if not.
//   node scripts/check-dist.mjs [--dist <folder>] [--built <folder>]
//   --dist: the folder to check (default: dist); --built: compare with this earlier build instead
//   of bundling again (`npm test` passes the build its end-to-end tests ran).
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { bundle, root } from './bundle.mjs'

const distArg = process.argv.indexOf('--dist')
const dist = resolve(distArg > 0 ? process.argv[distArg + 1] : join(root, 'dist'))
const builtArg = process.argv.indexOf('--built')
const prebuilt = builtArg > 0 ? resolve(process.argv[builtArg + 1]) : undefined
const fresh = prebuilt ?? mkdtempSync(join(tmpdir(), 'rds-refresh-dist-'))

try {
  if (!prebuilt) bundle(fresh)
  const expected = readdirSync(fresh).sort()
  const actual = existsSync(dist) ? readdirSync(dist).sort() : []
  const problems = []
  for (const name of new Set([...expected, ...actual])) {
    if (!expected.includes(name)) problems.push(`${name}: in dist/ but not built`)
    else if (!actual.includes(name)) problems.push(`${name}: built but missing from dist/`)
    else if (!readFileSync(join(fresh, name)).equals(readFileSync(join(dist, name))))
      problems.push(`${name}: differs`)
  }
  if (problems.length > 0) {
    console.error(
      `dist/ is stale (${dist}):\n  ${problems.join('\n  ')}\nRun \`npm run bundle\` and commit dist/ with the sources it comes from.`,
    )
    process.exit(1)
  }
  console.log(`dist/ is in sync with the sources (${expected.length} files).`)
} finally {
  if (!prebuilt) rmSync(fresh, { recursive: true, force: true })
}
