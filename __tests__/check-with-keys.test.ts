import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = join(root, 'scripts', 'check-with-keys.mjs')

function check(...files: string[]) {
  const result = spawnSync(process.execPath, [script, ...files], { encoding: 'utf8' })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('scripts/check-with-keys.mjs', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rds-refresh-with-keys-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('passes on the examples and the README', () => {
    const result = check()
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/\d+ uses of the action/)
  })

  it('names a with: key that action.yml does not declare, in a workflow and in a README block', () => {
    const steps = `jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: { fetch-depth: 0 }\n      - uses: acme/rds-refresh@v1\n        with:\n          target: pr-1\n          dry-run: true\n`
    writeFileSync(join(dir, 'flow.yml'), `on: push\n${steps}`)
    writeFileSync(join(dir, 'README.md'), `# x\n\n\`\`\`yaml\non: push\n${steps}\`\`\`\n`)
    const result = check(join(dir, 'flow.yml'), join(dir, 'README.md'))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      "flow.yml: job a, step 2: 'dry-run' is not an input of action.yml",
    )
    expect(result.stderr).toContain("README.md:3: job a, step 2: 'dry-run' is not an input")
    expect(result.stderr).not.toContain('fetch-depth')
  })
})
