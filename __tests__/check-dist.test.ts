/**
 * The dist check's verdicts. Whether the committed dist/ is what the sources build to is
 * `npm run check-dist` itself, which `npm test` runs after jest; here the check compares copies
 * of dist/ with dist/ as a stand-in for a fresh build (`--built`), so no test bundles the whole
 * action (a minute or more on a loaded machine) under a test timeout.
 */
import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')

/** Run the dist check on a copy of dist/ changed by `change`, against dist/ as the build. */
async function checkCopy(
  change: (dir: string) => void,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const copy = mkdtempSync(join(tmpdir(), 'dist-copy-'))
  try {
    cpSync(join(root, 'dist'), copy, { recursive: true })
    change(copy)
    const args = ['--dist', copy, '--built', join(root, 'dist')]
    const { stdout } = await run(process.execPath, [
      join(root, 'scripts', 'check-dist.mjs'),
      ...args,
    ])
    return { code: 0, stdout, stderr: '' }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}

describe('dist check', () => {
  it('passes when dist/ matches the build', async () => {
    const same = await checkCopy(() => undefined)
    expect(same).toMatchObject({ code: 0, stderr: '' })
    expect(same.stdout).toMatch(/^dist\/ is in sync with the sources \(\d+ files\)\./)
  })

  it('fails on a file that differs, naming it and what to run', async () => {
    const stale = await checkCopy((dir) =>
      appendFileSync(join(dir, 'index.js'), '\n// edited by hand\n'),
    )
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain('dist/ is stale')
    expect(stale.stderr).toContain('index.js: differs')
    expect(stale.stderr).toContain('Run `npm run bundle`')
  })

  it('fails on a file missing from dist/, and on one the build does not make', async () => {
    const missing = await checkCopy((dir) => unlinkSync(join(dir, 'licenses.txt')))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('licenses.txt: built but missing from dist/')

    const extra = await checkCopy((dir) => writeFileSync(join(dir, 'old-chunk.js'), ''))
    expect(extra.code).toBe(1)
    expect(extra.stderr).toContain('old-chunk.js: in dist/ but not built')
  })
})
