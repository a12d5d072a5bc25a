import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AWS_ERROR_HINTS } from '../src/aws/error-codes.js'
const HINTS = new Map(Object.entries(AWS_ERROR_HINTS))

const root = fileURLToPath(new URL('..', import.meta.url))
const script = join(root, 'scripts', 'docs.mjs')

/** Runs scripts/docs.mjs on the given files; returns exit status and stderr. */
function docs(files: { readme: string; action: string }, ...flags: string[]) {
  const result = spawnSync(
    process.execPath,
    [script, ...flags, '--readme', files.readme, '--action', files.action],
    { encoding: 'utf8' },
  )
  return { status: result.status, stderr: result.stderr }
}

/** A literal string as a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('scripts/docs.mjs', () => {
  let dir: string
  let files: { readme: string; action: string }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rds-refresh-docs-'))
    files = { readme: join(dir, 'README.md'), action: join(dir, 'action.yml') }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function freshCopies(): void {
    copyFileSync(join(root, 'README.md'), files.readme)
    copyFileSync(join(root, 'action.yml'), files.action)
  }

  it('passes --check on the repository README', () => {
    execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })
  })

  it('lists every input with its default and every output', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    expect(readme).toMatch(
      /^\| `role-duration-seconds` +\| Session length \(900-43200\)[^|]*\| `3600` +\|$/m,
    )
    expect(readme).toMatch(/^\| `created` +\| true when this run created the copy[^|]*\|$/m)
    expect(readme).toContain('Defaults to rds-refresh-&lt;run id&gt;-&lt;attempt&gt;')
  })

  it('fails --check when action.yml changed, and passes after regenerating', () => {
    freshCopies()
    const action = readFileSync(files.action, 'utf8')
    writeFileSync(files.action, action.replace("default: '3600'", "default: '900'"))
    const drifted = docs(files, '--check')
    expect(drifted.status).toBe(1)
    expect(drifted.stderr).toBe(
      `${files.readme}: the Inputs/Outputs tables differ from ${files.action}, or the Troubleshooting table from the hint table. Run \`npm run docs\` and commit README.md.\n`,
    )
    expect(docs(files).status).toBe(0)
    expect(readFileSync(files.readme, 'utf8')).toMatch(
      /^\| `role-duration-seconds` .*\| `900` +\|$/m,
    )
    expect(docs(files, '--check')).toEqual({ status: 0, stderr: '' })
  })

  it('lists every AWS error code of the hint table in Troubleshooting, with its hint', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const section = readme.slice(
      readme.indexOf('<!-- troubleshooting:start -->'),
      readme.indexOf('<!-- troubleshooting:end -->'),
    )
    const rows = section.split('\n').filter((line) => line.startsWith('| `'))
    for (const [code, hint] of HINTS) {
      const row = rows.find((line) => line.includes(`\`${code}\``))
      expect(row?.replace(/ +\|$/, '')).toMatch(new RegExp(`\\| ${escape(hint)}$`))
    }
    // One row per distinct hint: codes that share a hint share a row.
    expect(rows).toHaveLength(new Set(HINTS.values()).size)
  })

  it('fails --check when a troubleshooting row was edited by hand', () => {
    freshCopies()
    const readme = readFileSync(files.readme, 'utf8')
    writeFileSync(
      files.readme,
      readme.replace('already sent 10 times over about a minute.', 'retried.'),
    )
    expect(docs(files, '--check').status).toBe(1)
  })

  it('fails --check when a README table was edited by hand', () => {
    freshCopies()
    const readme = readFileSync(files.readme, 'utf8')
    writeFileSync(files.readme, readme.replace('Attempts per AWS call', 'Tries per AWS call'))
    expect(docs(files, '--check').status).toBe(1)
  })

  it('keeps the text outside the markers', () => {
    freshCopies()
    const readme = readFileSync(files.readme, 'utf8')
    writeFileSync(files.readme, `${readme}\n## Usage\n\nWritten by hand.\n`)
    expect(docs(files).status).toBe(0)
    expect(readFileSync(files.readme, 'utf8')).toBe(`${readme}\n## Usage\n\nWritten by hand.\n`)
  })

  it('includes every shipped policy file in the README or the cross-account guide, as it is', () => {
    const docsText =
      readFileSync(join(root, 'README.md'), 'utf8') +
      readFileSync(join(root, 'docs', 'cross-account.md'), 'utf8')
    for (const file of ['source-clone.json', 'destination-relay.json', 'one-account.json']) {
      const text = readFileSync(join(root, 'iam', file), 'utf8').trimEnd()
      expect(docsText).toContain(`\`\`\`json\n${text}\n\`\`\``)
    }
    expect(docsText).toContain('<!-- iam:source-key-policy:start -->')
  })

  it('fails --check when an IAM block or a generated policy differs from iam/, and regenerates', () => {
    freshCopies()
    const iam = join(dir, 'iam')
    const guide = join(dir, 'cross-account.md')
    cpSync(join(root, 'iam'), iam, { recursive: true })
    copyFileSync(join(root, 'docs', 'cross-account.md'), guide)
    const run = (...flags: string[]) =>
      spawnSync(
        process.execPath,
        [script, ...flags, '--readme', files.readme, '--action', files.action],
        { encoding: 'utf8', env: { ...process.env } },
      )
    const withPaths = (...flags: string[]) => run(...flags, '--iam', iam, '--guide', guide)
    expect(withPaths('--check').status).toBe(0)
    const clone = JSON.parse(readFileSync(join(iam, 'source-clone.json'), 'utf8'))
    clone.Statement[0].Action.push('rds:DescribeDBClusterEndpoints')
    writeFileSync(join(iam, 'source-clone.json'), `${JSON.stringify(clone, null, 2)}\n`)
    const drifted = withPaths('--check')
    expect(drifted.status).toBe(1)
    expect(drifted.stderr).toContain('an IAM policy block differs')
    expect(drifted.stderr).toContain('source-auto.json differ from the per-method files')
    expect(withPaths().status).toBe(0)
    expect(readFileSync(join(iam, 'source-auto.json'), 'utf8')).toContain(
      'rds:DescribeDBClusterEndpoints',
    )
    expect(readFileSync(guide, 'utf8')).toContain('rds:DescribeDBClusterEndpoints')
    expect(withPaths('--check').status).toBe(0)
  })

  it('fails when the markers are missing', () => {
    freshCopies()
    writeFileSync(files.readme, '# rds-refresh\n\n<!-- outputs:start -->\n<!-- outputs:end -->\n')
    expect(docs(files, '--check')).toEqual({
      status: 1,
      stderr: `${files.readme} needs the markers <!-- inputs:start --> and <!-- inputs:end -->, in that order.\n`,
    })
  })
})
