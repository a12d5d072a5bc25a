/**
 * The job summary is HTML: everything written into it that a user or AWS supplied is escaped,
 * so an AWS error message echoing `</code></pre><h1>x` renders as text (issue 7).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ActionError } from '../src/errors.js'
import { writeSummary } from '../src/report.js'

const HOSTILE = '</code></pre><h1>x</h1><script>alert(1)</script>'

let dir = ''
let file = ''
const saved = process.env.GITHUB_STEP_SUMMARY

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rds-refresh-report-'))
  file = join(dir, 'summary.html')
  process.env.GITHUB_STEP_SUMMARY = file
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
  else process.env.GITHUB_STEP_SUMMARY = saved
})

beforeEach(() => writeFileSync(file, ''))

/** Tags the summary itself writes; any other tag came from a value. */
const OWN_TAGS = new Set(['h2', 'h3', 'table', 'tr', 'th', 'td', 'pre', 'code', 'p', 'b'])

function foreignTags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-z0-9]+)/gi)]
    .map((match) => (match[1] ?? '').toLowerCase())
    .filter((tag) => !OWN_TAGS.has(tag))
}

describe('job summary', () => {
  it('escapes AWS messages, hints, step notes, names, removal commands and outputs', async () => {
    const error = new ActionError({
      summary: `Could not restore <b>${HOSTILE}</b>`,
      code: 'InvalidParameterValue',
      awsMessage: `The parameter DBSubnetGroupName ${HOSTILE} is not valid`,
      hint: `Fix ${HOSTILE}`,
    })
    await writeSummary({
      title: `rds-refresh: prod <img src=x onerror=alert(1)> → ${HOSTILE}`,
      steps: [
        {
          name: `restore${HOSTILE}`,
          title: `Restore ${HOSTILE}`,
          side: 'destination',
          status: 'failed',
          notes: [HOSTILE, '"quoted" & \'single\''],
          startedAt: new Date('2026-11-30T21:00:00Z'),
          endedAt: new Date('2026-11-30T21:00:05Z'),
        },
      ],
      outputs: { endpoint: `<a href="javascript:alert(1)">${HOSTILE}</a>` },
      error,
      leftBehind: [
        { kind: 'db-instance', side: 'destination', id: `x${HOSTILE}`, disposal: 'temporary' },
      ],
      kept: [{ kind: 'db-snapshot', side: 'source', id: `y${HOSTILE}`, disposal: 'kept' }],
      accountIds: { source: '111111111111', destination: `222<i>` },
      region: 'us-east-1',
    })
    const html = readFileSync(file, 'utf8')
    expect(foreignTags(html)).toEqual([])
    expect(html).not.toContain('<h1>')
    expect(html).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;h1&gt;x&lt;/h1&gt;')
    expect(html).toContain('&quot;quoted&quot; &amp; &#39;single&#39;')
    expect(html).toContain('InvalidParameterValue')
  })
})
