import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = join(root, 'scripts', 'bench-table.ts')

/** Runs scripts/bench-table.ts on the given files; returns exit status and stderr. */
function table(files: { readme: string; results: string }, ...flags: string[]) {
  const result = spawnSync(
    process.execPath,
    [script, ...flags, '--readme', files.readme, '--results', files.results],
    { encoding: 'utf8' },
  )
  return { status: result.status, stderr: result.stderr }
}

describe('scripts/bench-table.ts (the README performance table from docs/bench.json)', () => {
  let dir: string
  let files: { readme: string; results: string }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rds-refresh-bench-table-'))
    files = { readme: join(dir, 'README.md'), results: join(dir, 'bench.json') }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function freshCopies(): void {
    copyFileSync(join(root, 'README.md'), files.readme)
    copyFileSync(join(root, 'docs', 'bench.json'), files.results)
  }

  it('passes --check on the repository README and results', () => {
    freshCopies()
    expect(table(files, '--check')).toEqual({ status: 0, stderr: '' })
  })

  it('shows a row per scenario with its ratio, and the start-up comparison', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    expect(readme).toMatch(
      /^\| Aurora clone, same account +\| [\d.]+ min +\| [\d.]+ min +\| [\d.]+× /m,
    )
    expect(readme).toMatch(/Start-up, process start to first request: the action \d+ ms/)
  })

  it('compares a path the blog cannot take with the blog pipeline of the row it stands for', () => {
    const results = JSON.parse(readFileSync(join(root, 'docs', 'bench.json'), 'utf8')) as {
      rows: { name: string; spanSeconds?: number; blogSeconds?: number }[]
    }
    const byName = (part: string) => results.rows.find((r) => r.name.includes(part))
    const sevenSteps = byName('seven steps')
    const direct = byName('direct restore')
    const blogMinutes = ((sevenSteps?.blogSeconds ?? 0) / 60).toFixed(1)
    const ratio = ((direct?.spanSeconds ?? 0) / (sevenSteps?.blogSeconds ?? 1)).toFixed(3)
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const row = readme.split('\n').find((line) => line.startsWith('| Multi-AZ DB cluster, direct'))
    expect(row).toContain('the blog pipeline cannot take this path')
    expect(row).toMatch(new RegExp(`\\| ${blogMinutes} min +\\| ${ratio}× +\\|$`))
  })

  it('fails --check when the table was edited by hand, and passes after regenerating', () => {
    freshCopies()
    const readme = readFileSync(files.readme, 'utf8')
    writeFileSync(files.readme, readme.replace(/\| [\d.]+×/, '| 1.000×'))
    const drifted = table(files, '--check')
    expect(drifted.status).toBe(1)
    expect(drifted.stderr).toContain('Run `npm run bench -- --write`')
    expect(table(files).status).toBe(0)
    expect(table(files, '--check').status).toBe(0)
  })

  it('fails --check when a bench scenario has no measured row', () => {
    freshCopies()
    const results = JSON.parse(readFileSync(files.results, 'utf8')) as { rows: { name: string }[] }
    const dropped = results.rows.shift()
    writeFileSync(files.results, JSON.stringify(results))
    expect(table(files).status).toBe(0)
    const drifted = table(files, '--check')
    expect(drifted.status).toBe(1)
    expect(drifted.stderr).toContain(`not measured: ${dropped?.name ?? ''}`)
  })
})
