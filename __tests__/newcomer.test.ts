/**
 * The README's "Try it locally" commands, run as written: the demo, and `operation: plan` against
 * the accounts described in sim/fixtures/your-accounts.ts. A newcomer follows only the README.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** The `npm run demo -- …` command of the README's sh block that contains `marker`, as arguments. */
function demoArguments(marker: string): string[] {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .find((text) => text.includes(marker))
  if (block === undefined) throw new Error(`README.md has no sh block with ${marker}`)
  const command = block
    .replace(/\\\n/g, ' ')
    .split('\n')
    .find((line) => line.includes(marker))
  const words = (command ?? '').replace(/#.*$/, '').trim().split(/\s+/)
  expect(words.slice(0, 3)).toEqual(['npm', 'run', 'demo'])
  return words.slice(3).filter((word) => word !== '--')
}

describe('README: try it locally', () => {
  let out: string
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rds-refresh-newcomer-'))
  })
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  /** `npm run demo -- <args>`, as package.json defines it, with the summary in a temp directory. */
  function demo(args: readonly string[]) {
    const result = spawnSync(
      process.execPath,
      [join(root, 'scripts', 'demo.ts'), ...args, '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    )
    return { status: result.status, stdout: result.stdout + result.stderr }
  }

  it('npm run demo: a cross-account Aurora clone, then the post step', () => {
    expect(demoArguments('npm run demo ')).toEqual([])
    const run = demo([])
    expect(run.stdout).toContain('Main step exit code 0')
    expect(run.stdout).toMatch(/^cluster-identifier +pr-123-app$/m)
    expect(run.stdout).toMatch(/^method +clone$/m)
    expect(run.status).toBe(0)
  }, 150_000)

  it('plans a refresh for the accounts in sim/fixtures/your-accounts.ts: the method and each step', () => {
    const args = demoArguments('--fixture')
    expect(args).toContain('operation=plan')
    const run = demo(args)
    expect(run.stdout).toContain('Source account: 123456789012')
    expect(run.stdout).toContain('Destination account: 210987654321')
    expect(run.stdout).toContain('Method: clone')
    expect(run.stdout).toContain(
      '3. clone-cluster (destination): creates the DB cluster pr-1-orders',
    )
    expect(run.stdout).toContain('Main step exit code 0')
    expect(run.status).toBe(0)
  }, 150_000)
})
