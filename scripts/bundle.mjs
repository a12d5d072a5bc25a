#!/usr/bin/env node
// The one bundle command: ncc builds src/index.ts into a folder (default dist/). `npm run bundle`,
// the dist check and the test suite's fresh build all go through here, so they build alike.
//   node scripts/bundle.mjs [<out folder>]
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(import.meta.dirname, '..')

/** Bundles the action into `outDir` (created or overwritten) with a source map and licences. */
export function bundle(outDir) {
  execFileSync(
    join(root, 'node_modules', '.bin', 'ncc'),
    ['build', 'src/index.ts', '-o', outDir, '--source-map', '--license', 'licenses.txt', '--quiet'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bundle(resolve(process.argv[2] ?? join(root, 'dist')))
}
