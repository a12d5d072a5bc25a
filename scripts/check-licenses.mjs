#!/usr/bin/env node
// Every package bundled into dist/ must carry a licence that lets us ship it inside the action.
// Reads the production dependency tree (what ncc can bundle) and each package's declared licence,
// and checks that every package ncc listed in dist/licenses.txt is one of them.
//   node scripts/check-licenses.mjs
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Permissive licences (SPDX ids) compatible with distributing the bundle under MIT. */
const ALLOWED = new Set(['MIT', 'Apache-2.0', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD'])

const root = resolve(import.meta.dirname, '..')
const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean)
  .slice(1)

/** An SPDX expression passes when every alternative of an OR, or every part of an AND, is allowed. */
function allowed(expression) {
  const ids = expression.replace(/[()]/g, '').split(/\s+(?:OR|AND)\s+/)
  return ids.every((id) => ALLOWED.has(id.trim()))
}

const licences = new Map()
const problems = []
for (const dir of paths) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const licence = typeof pkg.license === 'string' ? pkg.license : undefined
  licences.set(pkg.name, licence)
  if (!licence) problems.push(`${pkg.name}@${pkg.version}: no licence declared`)
  else if (!allowed(licence)) problems.push(`${pkg.name}@${pkg.version}: ${licence} is not allowed`)
}

// ncc's licenses.txt: "<package>\n<licence>\n<text>" blocks, one per bundled package.
const listed = readFileSync(join(root, 'dist', 'licenses.txt'), 'utf8')
  .split(/\n\n(?=[@a-z0-9][^\s]*\n[^\n]+\n)/)
  .map((block) => block.split('\n')[0])
for (const name of listed) {
  if (!licences.has(name))
    problems.push(`${name}: bundled in dist/ but not a production dependency`)
}

if (problems.length > 0) {
  console.error(`Licence check failed:\n${problems.join('\n')}`)
  process.exit(1)
}
const counts = [...licences.values()].reduce(
  (acc, id) => acc.set(id, (acc.get(id) ?? 0) + 1),
  new Map(),
)
console.log(
  `Licences of ${licences.size} production packages (${listed.length} bundled) are allowed: ${[
    ...counts,
  ]
    .map(([id, n]) => `${id} ${n}`)
    .join(', ')}.`,
)
