/**
 * `npm run iam-minimality`: runs the end-to-end and safety suites against the simulator with the
 * shipped IAM policies (the e2e harness attaches them), recording which statement allowed every
 * call, then lists every grant of iam/ that no call needed and every call the shipped files
 * refused. Exits 1 when a grant is dead, a call was denied or a suite failed. The fast version is
 * __tests__/e2e/iam.test.ts, in `npm test`.
 *
 *   npm run iam-minimality                      # run the suites, then check
 *   npm run iam-minimality -- --keep <file>     # the same, keeping the usage record in <file>
 *   npm run iam-minimality -- --usage <file>    # check a usage record made earlier (by parts:
 *                                               # RDS_REFRESH_IAM_USAGE=<file> npm run jest -- …,
 *                                               # whose suites must all have passed)
 *   npm run iam-minimality -- --write           # also state a clean result in README.md and
 *                                               # iam/README.md (between iam-minimality markers)
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  checkedPolicyFiles,
  deadGrants,
  grantName,
  grantsOf,
  readUsageFile,
  withMinimality,
  type MinimalityResult,
  type RecordedDenial,
} from './iam-usage.ts'
import { ROOT } from './local-runner.ts'

const { values: args } = parseArgs({
  options: {
    usage: { type: 'string' },
    keep: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
})

const SUITES = ['__tests__/e2e', '__tests__/safety']
/** Where the docs state the result (the IAM sections). */
const STATED_IN = ['README.md', join('iam', 'README.md')]
const REQUIRED_NODE_MAJOR = 24

/**
 * Jest runs under this script's own Node (npm puts the project's Node 24 first on PATH), not
 * whatever `node` a spawned shell would find: the suites fail falsely under an older one.
 */
function runSuites(usageFile: string, scratch: string): boolean {
  const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js')
  const result = spawnSync(process.execPath, [jest, ...SUITES, '--maxWorkers=2'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules']
        .filter(Boolean)
        .join(' '),
      RDS_REFRESH_IAM_USAGE: usageFile,
      // The action is spawned hundreds of times: cache its compiled bundle between spawns.
      NODE_COMPILE_CACHE: join(scratch, 'compile-cache'),
    },
  })
  return result.status === 0
}

const denialName = (d: RecordedDenial): string =>
  `${d.role} ${d.action} on ${d.resource} (${d.operation}) in "${d.test ?? 'unknown test'}"`

/** Writes the result between the markers of each document that states it. */
function stateResult(result: MinimalityResult): void {
  for (const file of STATED_IN) {
    const path = join(ROOT, file)
    writeFileSync(path, withMinimality(readFileSync(path, 'utf8'), result))
    console.log(`Stated in ${file}.`)
  }
}

function main(): void {
  const major = Number(process.versions.node.split('.')[0])
  if (args.usage === undefined && major < REQUIRED_NODE_MAJOR) {
    console.error(`Node ${process.versions.node}: run it as \`npm run iam-minimality\` (Node 24).`)
    process.exitCode = 1
    return
  }
  const scratch = mkdtempSync(join(tmpdir(), 'rds-refresh-iam-'))
  try {
    const usageFile = resolve(args.usage ?? args.keep ?? join(scratch, 'usage.jsonl'))
    if (args.usage === undefined) rmSync(usageFile, { force: true })
    const started = Date.now()
    const suitesPassed = args.usage !== undefined || runSuites(usageFile, scratch)
    const minutes = ((Date.now() - started) / 60_000).toFixed(0)
    const record = readUsageFile(usageFile)
    const files = checkedPolicyFiles()
    const dead = deadGrants(files, record.usage)
    const total = grantsOf(files).length
    console.log(
      `${total - dead.length} of ${total} grants in ${files.length} files were needed, ` +
        `across ${record.tests.size} tests run under the shipped files` +
        (args.usage === undefined
          ? ` (suites: ${minutes} min, Node ${process.versions.node}).`
          : '.'),
    )
    for (const grant of dead) console.log(`dead grant: ${grantName(grant)}`)
    for (const denial of record.denials) console.log(`denied: ${denialName(denial)}`)
    if (!suitesPassed) console.log('A suite failed under the shipped policies.')
    const clean = dead.length === 0 && record.denials.length === 0 && suitesPassed
    if (!clean) process.exitCode = 1
    const result: MinimalityResult = {
      needed: total - dead.length,
      total,
      files: files.length,
      tests: record.tests.size,
      denials: record.denials.length,
    }
    if (args.write && clean) stateResult(result)
    else if (args.write) console.log('Not written: the docs state only a clean result.')
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

main()
