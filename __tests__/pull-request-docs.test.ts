/**
 * The README's sample pull request comment and job summary are rendered here, by the action's
 * own code, from a fixed copy of the simulator's production world (staging account, prod-aurora
 * cloned to pr-17-db): never typed by hand. The test fails when the README drifts from what the
 * code renders; `UPDATE_DOCS=1` rewrites the README's block instead.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { goneComment, readyComment } from '../src/github/comment-body.js'
import { copyOutputs, writeSummary } from '../src/report.js'
import type { StepReport } from '../src/engine/types.js'
import type { RunContext } from '../src/settings.js'

const README = join(fileURLToPath(new URL('..', import.meta.url)), 'README.md')
const START = '<!-- pull-request-sample:start -->'
const END = '<!-- pull-request-sample:end -->'

const ACCOUNT = '222222222222'
const REGION = 'us-east-1'
const RUN: RunContext = {
  repository: 'acme/app',
  runId: '5001',
  runAttempt: '1',
  workflow: 'Preview database',
  serverUrl: 'https://github.com',
  sha: 'c0ffee0123456789abcdef0123456789abcdef01',
  pullRequest: 17,
}
const STARTED = new Date('2026-12-01T09:00:00Z')
const at = (seconds: number) => new Date(STARTED.getTime() + seconds * 1000)

const OUTPUTS = copyOutputs({
  kind: 'cluster',
  identifier: 'pr-17-db',
  arn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:pr-17-db`,
  endpoint: `pr-17-db.cluster-c2vmbxvzkzqx.${REGION}.rds.amazonaws.com`,
  readerEndpoint: `pr-17-db.cluster-ro-c2vmbxvzkzqx.${REGION}.rds.amazonaws.com`,
  port: 5432,
  engine: 'aurora-postgresql',
  engineVersion: '16.4',
  masterUsername: 'postgres',
  masterUserSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!cluster-2f1c7a52-6b0e-4d7e-9c1a-5e2b8d4f7a10-Xy12Ab`,
  instanceIdentifiers: ['pr-17-db-1'],
  method: 'clone',
  created: true,
  expiresAt: new Date('2026-12-04T09:00:00Z'),
})

const step = (
  name: string,
  side: StepReport['side'],
  from: number,
  to: number,
  notes: string[] = [],
): StepReport => ({
  name,
  title: name,
  side,
  status: 'succeeded',
  startedAt: at(from),
  endedAt: at(to),
  notes,
})

/** The steps of a cross-account clone, as the engine reports them. */
const STEPS: StepReport[] = [
  step('share-source', 'source', 0, 4, ['RAM share']),
  step('check-kms', 'destination', 0, 1),
  step('clone-cluster', 'destination', 4, 312),
  step('create-instances', 'destination', 312, 734, ['1 instance']),
  step('set-password', 'destination', 734, 801, ['secrets-manager']),
]

let dir = ''
const saved = process.env.GITHUB_STEP_SUMMARY
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rds-refresh-docs-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
  else process.env.GITHUB_STEP_SUMMARY = saved
})

async function renderSummary(): Promise<string> {
  const file = join(dir, 'summary.html')
  writeFileSync(file, '')
  process.env.GITHUB_STEP_SUMMARY = file
  await writeSummary({
    title: `rds-refresh: prod-aurora (111111111111) → pr-17-db (${ACCOUNT}) (clone)`,
    steps: STEPS,
    outputs: OUTPUTS,
    leftBehind: [],
    accountIds: { source: '111111111111', destination: ACCOUNT },
    region: REGION,
  })
  return readFileSync(file, 'utf8')
}

const quote = (markdown: string) =>
  markdown
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n')

async function renderSample(): Promise<string> {
  const ready = readyComment({
    target: 'pr-17-db',
    accountId: ACCOUNT,
    region: REGION,
    outputs: OUTPUTS,
    durationSeconds: 801,
    run: RUN,
    at: at(801),
  })
  const gone = goneComment({
    target: 'pr-17-db',
    accountId: ACCOUNT,
    run: { ...RUN, runId: '5120' },
    at: new Date('2026-12-03T16:42:00Z'),
  })
  return [
    START,
    '',
    'The comment on the pull request after a refresh:',
    '',
    quote(ready),
    '',
    'and after `operation: delete`:',
    '',
    quote(gone),
    '',
    'The job summary of the same run:',
    '',
    '<blockquote>',
    '',
    (await renderSummary()).trim(),
    '',
    '</blockquote>',
    '',
    END,
  ].join('\n')
}

describe('README sample', () => {
  it('shows the comment and the summary as the code renders them', async () => {
    const sample = await renderSample()
    const readme = readFileSync(README, 'utf8')
    const start = readme.indexOf(START)
    const end = readme.indexOf(END)
    expect(start).toBeGreaterThan(-1)
    expect(end).toBeGreaterThan(start)
    const current = readme.slice(start, end + END.length)
    if (process.env.UPDATE_DOCS === '1') {
      writeFileSync(README, readme.replace(current, sample))
      return
    }
    expect(current).toBe(sample)
  })
})
