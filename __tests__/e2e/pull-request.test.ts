/**
 * Issue 12 through the runner interface: a `pull_request` event payload file, the runner's
 * GITHUB_* variables, and the simulator's stand-in for GitHub's REST API at GITHUB_API_URL. The
 * comment is created once, updated in place, told when the database is deleted; a token that may
 * not write costs one warning and never the refresh; a fork's pull request gets one clear line.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allText, calls, runAction, startWorld, type ActionRun, type Simulator } from './harness.js'
import { stagingInputs as cloneInputs } from './clone-world.js'
import { STAGING_SECURITY_GROUPS, STAGING_SUBNET_GROUP } from '../../sim/fixtures/production.ts'

const REPOSITORY = 'acme/app'
const PR = 17
const TARGET = 'pr-17-db'

let sim: Simulator | undefined
let dir: string | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

async function world(): Promise<Simulator> {
  sim = await startWorld()
  sim.github.openPullRequest(REPOSITORY, PR)
  dir = mkdtempSync(join(tmpdir(), 'rds-refresh-pr-'))
  return sim
}

/** The event payload file of a pull request from `head` into acme/app. */
function eventFile(head = REPOSITORY): string {
  const path = join(dir ?? tmpdir(), `event-${head.replace('/', '-')}.json`)
  writeFileSync(
    path,
    JSON.stringify({
      action: 'synchronize',
      number: PR,
      pull_request: {
        number: PR,
        head: { ref: 'feature', repo: { full_name: head, fork: head !== REPOSITORY } },
        base: { ref: 'main', repo: { full_name: REPOSITORY } },
      },
      repository: { full_name: REPOSITORY, name: 'app', owner: { login: 'acme' } },
    }),
  )
  return path
}

function pullRequestEnv(s: Simulator, runId: string, head = REPOSITORY) {
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile(head),
    GITHUB_API_URL: s.github.apiUrl,
    GITHUB_RUN_ID: runId,
    GITHUB_SHA: 'c0ffee0123456789abcdef0123456789abcdef01',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'Preview database',
  }
}

function refresh(s: Simulator, options: { runId: string; token: string; extra?: object }) {
  return runAction({
    sim: s,
    inputs: { ...stagingInputs(TARGET), 'github-token': options.token, ...options.extra },
    env: pullRequestEnv(s, options.runId),
  })
}

/** Production → staging, placed in staging's network (the relay needs it; the clone uses it). */
function stagingInputs(target: string): Record<string, string> {
  return {
    ...cloneInputs(target),
    'db-subnet-group': STAGING_SUBNET_GROUP,
    'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
  }
}

const bodies = (s: Simulator) => s.github.comments(REPOSITORY, PR).map((c) => c.body)

/** Nothing the runner was asked to mask appears in a comment or in the job summary. */
function expectNoSecret(s: Simulator, runs: readonly ActionRun[]) {
  const secrets = runs.flatMap((run) => [...run.secrets, ...(run.post?.secrets ?? [])])
  expect(secrets.length).toBeGreaterThan(0)
  const published = [...bodies(s), ...runs.map((run) => run.summary)].join('\n')
  for (const secret of secrets) expect(published).not.toContain(secret)
}

describe('pull request comment', () => {
  it('first run creates it, a second updates the same one, delete says the database is gone', async () => {
    const s = await world()
    // A person quoting the marker does not make their comment the action's.
    s.github.addComment(
      REPOSITORY,
      PR,
      `<!-- rds-refresh target=${TARGET} account=222222222222 -->`,
    )

    const first = await refresh(s, { runId: '5001', token: s.github.writeToken })
    expect(first.exitCode).toBe(0)
    expect(bodies(s)).toHaveLength(2)
    const [, created] = bodies(s)
    expect(created).toContain(`### 🗄️ Database \`${TARGET}\` is ready`)
    expect(created).toContain(`| Endpoint | \`${first.outputs.endpoint}\` |`)
    expect(created).toContain(`| Port | \`${first.outputs.port}\` |`)
    expect(created).toContain(`in Secrets Manager: \`${first.outputs['master-user-secret-arn']}\``)
    expect(created).toContain(
      `aws secretsmanager get-secret-value --region 'us-east-1' --secret-id '${first.outputs['master-user-secret-arn']}'`,
    )
    expect(created).toContain('run 5001, attempt 1')
    expect(first.log).toContain(`Commented on pull request #${PR}`)

    // A second run (a new copy with a generated password) updates the same comment.
    const second = await refresh(s, {
      runId: '5002',
      token: s.github.writeToken,
      extra: { 'if-exists': 'replace', 'master-password': 'generate', ttl: '2d' },
    })
    expect(second.exitCode).toBe(0)
    expect(bodies(s)).toHaveLength(2)
    const updated = bodies(s)[1] ?? ''
    expect(updated).toContain('run 5002, attempt 1')
    expect(updated).toContain('not in Secrets Manager')
    expect(updated).not.toContain('secretsmanager get-secret-value')
    expect(updated).toMatch(/\| Expires \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \|/)
    expect(second.log).toContain(`Updated the comment on pull request #${PR}`)

    const gone = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs(TARGET),
        operation: 'delete',
        'github-token': s.github.writeToken,
      },
      env: pullRequestEnv(s, '5003'),
    })
    expect(gone.exitCode).toBe(0)
    expect(bodies(s)).toHaveLength(2)
    expect(bodies(s)[1]).toContain(`### 🗑️ Database \`${TARGET}\` is gone`)
    expect(bodies(s)[1]).toMatch(
      /Deleted from account 222222222222 on \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    )
    // The person's comment was never written to.
    expect(bodies(s)[0]).toBe(`<!-- rds-refresh target=${TARGET} account=222222222222 -->`)
    const writes = s.requests
      .filter((r) => r.service === 'github' && r.operation !== 'ListIssueComments')
      .map((r) => r.operation)
    expect(writes).toEqual(['CreateIssueComment', 'UpdateIssueComment', 'UpdateIssueComment'])
    expectNoSecret(s, [first, second, gone])
  })

  it('a token that may not write: one warning, a successful run, no comment', async () => {
    const s = await world()
    const run = await refresh(s, { runId: '6001', token: s.github.readToken })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.endpoint).toBeDefined()
    const warnings = run.log
      .split('\n')
      .filter((l) => l.startsWith('::warning') && l.includes('pull request'))
    expect(warnings).toHaveLength(1)
    // The runner decodes property values: %3A is the title's colon.
    expect(warnings[0]).toContain('title=rds-refresh%3A pull request comment::')
    expect(warnings[0]).toContain('HTTP 403')
    expect(warnings[0]).toContain('pull-requests: write')
    expect(bodies(s)).toEqual([])
    expect(calls(s).filter((c) => c.startsWith('github:'))).toEqual([
      'github:ListIssueComments',
      'github:CreateIssueComment',
    ])
    expectNoSecret(s, [run])
  })

  it("a fork's pull request: no OIDC token, and one clear line that says why", async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs(TARGET), 'github-token': s.github.readToken },
      env: {
        ...pullRequestEnv(s, '7001', 'someone/app'),
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
      },
    })
    expect(run.exitCode).toBe(1)
    const mentions = run.log.split('\n').filter((l) => l.includes('comes from a fork'))
    expect(mentions).toHaveLength(1)
    expect(mentions[0]).toMatch(
      /^::error title=rds-refresh failed::Could not sign in to AWS: this pull request comes from a fork/,
    )
    expect(calls(s)).toEqual([])
  })

  it('pull-request-comment: false, or a run that is not for a pull request: no GitHub call', async () => {
    const s = await world()
    const off = await refresh(s, {
      runId: '8001',
      token: s.github.writeToken,
      extra: { 'pull-request-comment': 'false' },
    })
    expect(off.exitCode).toBe(0)
    const scheduled = await runAction({
      sim: s,
      inputs: { ...stagingInputs('nightly-db'), 'github-token': s.github.writeToken },
      env: { GITHUB_EVENT_NAME: 'schedule', GITHUB_API_URL: s.github.apiUrl },
    })
    expect(scheduled.exitCode).toBe(0)
    expect(calls(s).filter((c) => c.startsWith('github:'))).toEqual([])
    expect(allText(scheduled)).not.toContain('pull request')
  })
})

describe('the run page', () => {
  it('job summary: how to connect, a timeline of the steps; every warning has a title', async () => {
    const s = await world()
    const run = await refresh(s, { runId: '9001', token: s.github.writeToken })
    expect(run.exitCode).toBe(0)
    expect(run.summary).toContain('<h3>How to connect</h3>')
    expect(run.summary).toContain(`secretsmanager get-secret-value --region 'us-east-1'`)
    expect(run.summary).toMatch(/```mermaid\ngantt\n {2}dateFormat x\n/)
    for (const step of ['clone-cluster', 'create-instances']) {
      expect(run.summary).toMatch(new RegExp(`\\n {2}${step} :done, \\w+, \\d+, \\d+\\n`))
    }
    const annotations = allText(run)
      .split('\n')
      .filter((l) => /^::(warning|error)/.test(l))
    for (const line of annotations) expect(line).toMatch(/^::(warning|error) title=[^:]+::/)
    expectNoSecret(s, [run])
  })

  it('a failed step is printed once, as the error with its title, not also as a warning', async () => {
    const s = await world()
    s.setFaults({
      failCalls: [
        {
          operation: 'RestoreDBClusterToPointInTime',
          code: 'InsufficientDBClusterCapacityFault',
          message: 'Cannot create a cluster: no capacity.',
          status: 403,
        },
      ],
    })
    const run = await refresh(s, { runId: '9002', token: s.github.writeToken })
    expect(run.exitCode).toBe(1)
    const mentions = run.log.split('\n').filter((l) => l.includes('no capacity'))
    expect(mentions).toHaveLength(1)
    expect(mentions[0]).toMatch(/^::error title=rds-refresh failed in step clone-cluster::/)
    expect(run.log).toMatch(/^\[clone-cluster\] failed in \d+\.\ds$/m)
    // A failed refresh leaves the pull request alone.
    expect(bodies(s)).toEqual([])
  })
})
