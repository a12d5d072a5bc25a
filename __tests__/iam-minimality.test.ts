/**
 * The minimality check's bookkeeping (scripts/iam-usage.ts), and the result the docs state: it
 * must be a clean run's, over the policy files as they are now. A grant added or removed since
 * the last `npm run iam-minimality -- --write` fails here until the full run is made again.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  checkedPolicyFiles,
  deadGrants,
  grantName,
  grantsOf,
  MINIMALITY_MARKERS,
  readUsageFile,
  statedMinimality,
  withMinimality,
} from '../scripts/iam-usage.ts'
import { ROOT } from '../scripts/local-runner.ts'

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

const ROLE = 'arn:aws:iam::222222222222:role/rds-refresh-destination'
const match = (statement: string, pattern: string) => ({
  policy: 'destination-lifecycle.json',
  statement,
  pattern,
})

describe('the usage record', () => {
  it('needs a grant only where it alone allowed a call; skips denials a test expected', () => {
    dir = mkdtempSync(join(tmpdir(), 'rds-refresh-iam-usage-'))
    const file = join(dir, 'usage.jsonl')
    const call = { role: ROLE, operation: 'DeleteDBInstance', resource: 'arn:aws:rds:x' }
    const lines = [
      {
        ...call,
        action: 'rds:DeleteDBInstance',
        allowedBy: [match('RemoveManagedCopies', 'rds:DeleteDBInstance')],
        test: 'a delete',
      },
      {
        ...call,
        action: 'rds:CreateDBSnapshot',
        // Two statements allowed it: neither is needed by this call.
        allowedBy: [
          match('FinalSnapshotOnDelete', 'rds:CreateDBSnapshot'),
          match('ReadRds', 'rds:*'),
        ],
        test: 'a delete',
      },
      { ...call, action: 'kms:DescribeKey', explicit: false, denied: true, test: 'a key' },
      {
        ...call,
        action: 'kms:DescribeKey',
        explicit: false,
        denied: true,
        expected: true,
        test: 'a foreign key',
      },
    ]
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)

    const record = readUsageFile(file)
    expect(record.usage).toHaveLength(2)
    expect(record.denials.map((d) => d.test)).toEqual(['a key'])
    expect([...record.tests].sort()).toEqual(['a delete', 'a foreign key', 'a key'])
    const dead = deadGrants(['destination-lifecycle.json'], record.usage).map(grantName)
    expect(dead).not.toContain(
      'destination-lifecycle.json RemoveManagedCopies rds:DeleteDBInstance',
    )
    expect(dead).toContain('destination-lifecycle.json FinalSnapshotOnDelete rds:CreateDBSnapshot')
  })
})

describe('the result the docs state', () => {
  const result = { needed: 12, total: 12, files: 3, tests: 40, denials: 0 }

  it('is written between the markers and read back, the text around it kept', () => {
    const markdown = `before\n\n${MINIMALITY_MARKERS.start}\n\nold\n\n${MINIMALITY_MARKERS.end}\n\nafter\n`
    const written = withMinimality(markdown, result)
    expect(statedMinimality(written)).toEqual(result)
    expect(written.startsWith('before\n\n')).toBe(true)
    expect(written.endsWith(`${MINIMALITY_MARKERS.end}\n\nafter\n`)).toBe(true)
    expect(written.split('\n').every((line) => line.length <= 100)).toBe(true)
    expect(withMinimality(written, result)).toBe(written)
  })

  it.each(['README.md', 'iam/README.md'])(
    '%s states a clean run over every grant of the files as they are',
    (file) => {
      const stated = statedMinimality(readFileSync(join(ROOT, file), 'utf8'))
      const files = checkedPolicyFiles()
      expect(stated).toEqual({
        needed: grantsOf(files).length,
        total: grantsOf(files).length,
        files: files.length,
        tests: expect.any(Number),
        denials: 0,
      })
    },
  )
})
