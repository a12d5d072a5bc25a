#!/usr/bin/env node
// The test part of `npm test`, around one fresh bundle:
//   1. bundle src/ once, into a temporary folder (dist/ is left as it is, committed or not);
//   2. run jest with coverage; the end-to-end tests run that fresh bundle (RDS_REFRESH_BUNDLE),
//      so a stale dist/ cannot make them pass;
//   3. compare dist/ with the same build (scripts/check-dist.mjs --built): dist/ must be what the
//      sources build to, or the run fails and says to `npm run bundle` and commit.
// The temporary folder (bundle and Node's compile cache for the spawned action) is removed at the end.
//   node scripts/test-suite.mjs [jest arguments]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundle, root } from './bundle.mjs'

const scratch = mkdtempSync(join(tmpdir(), 'rds-refresh-test-'))
const fresh = join(scratch, 'dist')

/** Runs a command in the project folder, output passed through; returns its exit status. */
function run(command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  })
  return result.status ?? 1
}

let status = 1
try {
  const started = Date.now()
  bundle(fresh)
  console.log(`Bundled src/ into ${fresh} in ${((Date.now() - started) / 1000).toFixed(0)} s`)

  const jest = run(
    join(root, 'node_modules', '.bin', 'jest'),
    ['--coverage', ...process.argv.slice(2)],
    {
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules']
        .filter(Boolean)
        .join(' '),
      RDS_REFRESH_BUNDLE: fresh,
      // The action is spawned hundreds of times: cache its compiled bundle between spawns.
      NODE_COMPILE_CACHE: join(scratch, 'compile-cache'),
    },
  )
  const distCheck = run(process.execPath, [
    join(root, 'scripts', 'check-dist.mjs'),
    '--built',
    fresh,
  ])
  status = jest !== 0 ? jest : distCheck
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
process.exit(status)
