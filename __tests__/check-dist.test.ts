import { describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const ncc = join(root, 'node_modules', '.bin', 'ncc')

/** Run the dist check against a copy of dist/ changed by `change`; returns exit code and stderr. */
async function checkCopy(
  change: (dir: string) => void,
  built?: string,
): Promise<{ code: number; stderr: string }> {
  const copy = mkdtempSync(join(tmpdir(), 'dist-copy-'))
  try {
    cpSync(join(root, 'dist'), copy, { recursive: true })
    change(copy)
    const args = [join(root, 'scripts', 'check-dist.mjs'), '--dist', copy]
    await run(process.execPath, built ? [...args, '--built', built] : args, { cwd: root })
    return { code: 0, stderr: '' }
  } catch (error) {
    const e = error as { code?: number; stderr?: string }
    return { code: e.code ?? 1, stderr: e.stderr ?? '' }
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}

describe('dist check', () => {
  it('passes on the committed dist/ and fails when dist/ is stale or incomplete', async () => {
    // The first check bundles the sources itself; the others compare with one build made here.
    expect(await checkCopy(() => undefined)).toEqual({ code: 0, stderr: '' })
    const built = mkdtempSync(join(tmpdir(), 'dist-built-'))
    try {
      await run(
        ncc,
        [
          'build',
          'src/index.ts',
          '-o',
          built,
          '--source-map',
          '--license',
          'licenses.txt',
          '--quiet',
        ],
        { cwd: root },
      )
      const stale = await checkCopy(
        (dir) => appendFileSync(join(dir, 'index.js'), '\n// edited by hand\n'),
        built,
      )
      expect(stale.code).toBe(1)
      expect(stale.stderr).toContain('dist/ is stale')
      expect(stale.stderr).toContain('index.js: differs')
      expect(stale.stderr).toContain('Run `npm run bundle`')

      const missing = await checkCopy((dir) => unlinkSync(join(dir, 'licenses.txt')), built)
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('licenses.txt: built but missing from dist/')
    } finally {
      rmSync(built, { recursive: true, force: true })
    }
  }, 120_000)
})
