/**
 * `npm run iam-minimality`: runs the end-to-end and safety suites against the simulator with the
 * shipped IAM policies (the e2e harness attaches them), recording which statement allowed every
 * call, then lists every grant of iam/ that no call needed. Exits 1 when a grant is dead or a
 * suite failed. The fast version is __tests__/e2e/iam.test.ts, in `npm test`.
 *
 *   npm run iam-minimality                      # run the suites, then check
 *   npm run iam-minimality -- --usage <file>    # check a usage record made earlier
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { checkedPolicyFiles, deadGrants, grantName, grantsOf, readUsage } from './iam-usage.ts'
import { ROOT } from './local-runner.ts'

const { values: args } = parseArgs({ options: { usage: { type: 'string' } } })

function runSuites(usageFile: string): boolean {
  const result = spawnSync('npx', ['jest', '__tests__/e2e', '__tests__/safety', '--maxWorkers=2'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: '--experimental-vm-modules',
      RDS_REFRESH_IAM_USAGE: usageFile,
    },
  })
  return result.status === 0
}

function main(): void {
  const dir = args.usage === undefined ? mkdtempSync(join(tmpdir(), 'rds-refresh-iam-')) : undefined
  try {
    const usageFile = args.usage ?? join(dir as string, 'usage.jsonl')
    const suitesPassed = args.usage !== undefined || runSuites(usageFile)
    const files = checkedPolicyFiles()
    const dead = deadGrants(files, readUsage(usageFile))
    const total = grantsOf(files).length
    console.log(`${total - dead.length} of ${total} grants in ${files.length} files were needed.`)
    for (const grant of dead) console.log(`dead grant: ${grantName(grant)}`)
    if (!suitesPassed) console.log('A suite failed under the shipped policies.')
    if (dead.length > 0 || !suitesPassed) process.exitCode = 1
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

main()
