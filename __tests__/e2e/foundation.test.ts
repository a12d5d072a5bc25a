/**
 * Issue 2's end-to-end path: the bundled action run as the GitHub runner runs it, against the
 * local AWS simulator. Same-account Aurora clone, credentials from OIDC, masking, refresh across
 * expiry, failures that stop at once, cancel and the post step.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  calls,
  createdSince,
  inventoryOf,
  ROLE_ARNS,
  runAction,
  startWorld,
  type Simulator,
} from './harness.js'
import { RDS_THROTTLE } from '../../sim/src/index.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** A same-account refresh of prod-aurora into pr-1-app, placed in the production VPC. */
const sameAccountClone = {
  'source-role-arn': ROLE_ARNS.source,
  source: 'prod-aurora',
  target: 'pr-1-app',
  'db-subnet-group': 'prod-db',
  'vpc-security-group-ids': 'sg-0970d00000000000a',
  ttl: '72h',
}

describe('same-account Aurora clone through the runner interface', () => {
  it('clones, creates the instance, sets the outputs and writes the job summary', async () => {
    // The clone stays `creating` for six real seconds, so its wait logs that state on any machine.
    sim = await startWorld({ scenario: { durations: { clusterClone: 3600 } } })
    const before = inventoryOf(sim, ACCOUNTS.production)
    const run = await runAction({ sim, inputs: sameAccountClone })
    expect(run.exitCode).toBe(0)

    expect(run.outputs).toMatchObject({
      'cluster-identifier': 'pr-1-app',
      'cluster-arn': `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster:pr-1-app`,
      port: '5432',
      engine: 'aurora-postgresql',
      'engine-version': '16.4',
      'master-username': 'postgres',
      'db-instance-identifiers': 'pr-1-app-1',
      method: 'clone',
      created: 'true',
      'source-account-id': ACCOUNTS.production,
      'destination-account-id': ACCOUNTS.production,
    })
    expect(run.outputs.endpoint).toMatch(
      /^pr-1-app\.cluster-[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com$/,
    )
    expect(run.outputs['reader-endpoint']).toMatch(/^pr-1-app\.cluster-ro-/)
    expect(run.outputs['master-user-secret-arn']).toMatch(
      /^arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!cluster-/,
    )
    expect(new Date(run.outputs['expires-at'] ?? '').getTime()).toBeGreaterThan(
      Date.now() + 71 * 3600_000,
    )
    expect(Number(run.outputs['duration-seconds'])).toBeGreaterThanOrEqual(0)

    // Each wait logs its status changes with the elapsed time, inside a group per step.
    expect(run.maskedLog).toContain('::group::clone-cluster: ')
    expect(run.maskedLog).toMatch(/\[clone-cluster\] DB cluster pr-1-app: creating \(\d+s\)/)
    expect(run.maskedLog).toMatch(/\[clone-cluster\] DB cluster pr-1-app: available \(\d+s\)/)
    expect(run.maskedLog).toMatch(/\[create-instances\] DB instance pr-1-app-1: available/)
    expect(run.maskedLog).toContain('Source account: 111111111111')

    // The summary: source → target, a table of steps with durations and status, the outputs.
    expect(run.summary).toContain('prod-aurora (111111111111) → pr-1-app (111111111111) (clone)')
    for (const step of ['clone-cluster', 'create-instances', 'set-password', 'describe-copy']) {
      expect(run.summary).toMatch(
        new RegExp(
          `<td>${step}</td><td>destination 111111111111</td><td>[0-9:]+</td><td>[0-9.]+ s</td><td>✅ succeeded`,
        ),
      )
    }
    expect(run.summary).toContain('<td>endpoint</td>')

    // AWS saw the clone as AWS requires it, and the copy carries the managed tags.
    const restore = sim.requests.find((r) => r.operation === 'RestoreDBClusterToPointInTime')
    expect(restore?.input).toMatchObject({
      DBClusterIdentifier: 'pr-1-app',
      SourceDBClusterIdentifier: `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster:prod-aurora`,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: ['sg-0970d00000000000a'],
    })
    const tags = (restore?.input.Tags ?? []) as { Key: string; Value: string }[]
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'rds-refresh:managed', Value: 'true' },
        { Key: 'rds-refresh:repository', Value: 'acme/app' },
        { Key: 'rds-refresh:run-id', Value: '4242-1' },
        {
          Key: 'rds-refresh:source',
          Value: `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster:prod-aurora`,
        },
      ]),
    )

    // Nothing was created but the copy and its instance; the post step had nothing to do.
    expect(createdSince(before, inventoryOf(sim, ACCOUNTS.production))).toEqual({
      'db-clusters': ['pr-1-app (available)'],
      'db-instances': ['pr-1-app-1 (available)'],
    })
    expect(run.post?.exitCode).toBe(0)
    expect(run.post?.maskedLog).toContain('Nothing to clean up.')
    // The source was only read.
    const sourceWrites = sim.requests.filter(
      (r) => r.input.DBClusterIdentifier === 'prod-aurora' && !r.operation.startsWith('Describe'),
    )
    expect(sourceWrites).toEqual([])
  })
})

describe('credentials', () => {
  it('assumes each role straight from the OIDC token and masks every credential value', async () => {
    sim = await startWorld()
    const run = await runAction({
      sim,
      inputs: {
        ...sameAccountClone,
        'destination-role-arn': ROLE_ARNS.staging,
        'kms-key-id': '',
        source: 'prod-aurora',
      },
      post: false,
    })
    // Never chained: both roles are assumed with AssumeRoleWithWebIdentity, never AssumeRole.
    expect(calls(sim)).not.toContain('sts:AssumeRole')
    const assumed = sim.requests
      .filter((r) => r.operation === 'AssumeRoleWithWebIdentity')
      .map((r) => r.input.RoleArn)
    expect(assumed.sort()).toEqual([ROLE_ARNS.source, ROLE_ARNS.staging])
    expect(
      calls(sim).filter((c) => c === 'oidc:GetIDToken' || c.startsWith('oidc:')).length,
    ).toBeGreaterThanOrEqual(2)

    // Every key the action signed with was masked, and no masked value shows anywhere.
    const usedKeys = new Set(
      sim.requests.map((r) => r.accessKeyId).filter((k): k is string => Boolean(k)),
    )
    expect(usedKeys.size).toBeGreaterThanOrEqual(2)
    for (const key of usedKeys) expect(run.secrets).toContain(key)
    expect(run.secrets.length).toBeGreaterThanOrEqual(2 * 3 + 2) // key id, secret, session token per role; OIDC tokens
    const visible = [
      run.maskedLog,
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(run.state),
    ].join('\n')
    for (const secret of run.secrets) expect(visible).not.toContain(secret)
    // The raw log shows a secret only on its ::add-mask:: line, which comes before any other use.
    for (const secret of run.secrets) {
      const lines = run.log.split('\n').filter((line) => line.includes(secret))
      expect(lines.every((line) => line === `::add-mask::${secret}`)).toBe(true)
    }
  })

  it('re-mints the OIDC token and re-assumes the role when sessions expire during a run', async () => {
    // Sessions of role-duration-seconds 900 last 900/450 = 2 real seconds; the run takes several.
    sim = await startWorld({ scenario: { clockScale: 120, credentialTimeScale: 450 } })
    const run = await runAction({
      sim,
      inputs: {
        ...sameAccountClone,
        'role-duration-seconds': '900',
        'poll-interval-seconds': '0.1',
      },
    })
    expect(run.exitCode).toBe(0)
    expect(run.durationMs).toBeGreaterThan(4_000)
    const assumptions = sim.requests.filter((r) => r.operation === 'AssumeRoleWithWebIdentity')
    expect(assumptions.length).toBeGreaterThanOrEqual(3)
    expect(sim.requests.filter((r) => r.service === 'oidc').length).toBeGreaterThanOrEqual(
      assumptions.length,
    )
    expect(
      sim.requests.filter(
        (r) => r.errorCode === 'ExpiredToken' || r.errorCode === 'ExpiredTokenException',
      ),
    ).toEqual([])
    // Each session's keys were used, and every one of them was masked.
    for (const key of new Set(
      sim.requests.map((r) => r.accessKeyId).filter((k): k is string => Boolean(k)),
    )) {
      expect(run.secrets).toContain(key)
    }
  })

  it('says to add id-token: write when the job cannot mint an OIDC token, before any AWS call', async () => {
    sim = await startWorld()
    const run = await runAction({
      sim,
      inputs: sameAccountClone,
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined },
    })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toMatch(/^::error title=[^:]+::/m)
    expect(run.maskedLog).toContain('permissions: id-token: write')
    expect(run.maskedLog).toContain('forks')
    expect(sim.requests).toEqual([])
  })
})

describe('throttling and server errors', () => {
  it("rides through RDS's token bucket and random 500s with the SDK's standard retries", async () => {
    // RDS_THROTTLE (300 burst, 12/s) is what AWS applies; a tiny bucket makes it bite in a test.
    expect(RDS_THROTTLE).toEqual({ ratePerSecond: 12, burst: 300 })
    sim = await startWorld({
      scenario: {
        faults: { throttle: { ratePerSecond: 4, burst: 6 }, internalErrorRate: 0.1, seed: 7 },
      },
    })
    const run = await runAction({ sim, inputs: { ...sameAccountClone, 'max-attempts': '10' } })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['cluster-identifier']).toBe('pr-1-app')
    const faults = sim.requests.filter((r) => r.fault !== undefined).map((r) => r.errorCode)
    expect(faults).toContain('Throttling')
    expect(faults).toContain('InternalFailure')
  })
})

describe('input validation', () => {
  it('refuses an invalid input before any AWS call, naming the input, value and rule', async () => {
    sim = await startWorld()
    const run = await runAction({ sim, inputs: { ...sameAccountClone, target: 'pr--1' } })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain("::error title=rds-refresh failed::Input 'target' is 'pr--1'")
    expect(sim.requests).toEqual([])
    expect(run.post?.maskedLog).toContain('Nothing to clean up.')
  })

  it('refuses an operation plan cannot describe, before any AWS call', async () => {
    sim = await startWorld()
    const run = await runAction({
      sim,
      inputs: { ...sameAccountClone, operation: 'plan', 'plan-operation': 'nuke' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain(
      "::error title=rds-refresh failed::Input 'plan-operation' is 'nuke'",
    )
    expect(sim.requests).toEqual([])
  })

  it('refuses a target equal to the source in the same account', async () => {
    sim = await startWorld()
    const run = await runAction({ sim, inputs: { ...sameAccountClone, target: 'prod-aurora' } })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toMatch(/::error title=rds-refresh failed::.*target.*prod-aurora/)
    expect(calls(sim).filter((c) => !/Describe|GetCallerIdentity|AssumeRole|oidc/.test(c))).toEqual(
      [],
    )
  })
})

describe('failures and cancel', () => {
  it('stops at once when the clone goes into a failure state, and the post step removes it', async () => {
    sim = await startWorld({
      scenario: {
        clockScale: 60,
        faults: {
          resourceFailures: [
            {
              operation: 'RestoreDBClusterToPointInTime',
              status: 'inaccessible-encryption-credentials',
            },
          ],
        },
      },
    })
    const before = inventoryOf(sim, ACCOUNTS.production)
    const run = await runAction({ sim, inputs: { ...sameAccountClone, 'deadline-minutes': '350' } })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain(
      "DB cluster pr-1-app went into status 'inaccessible-encryption-credentials'",
    )
    expect(run.maskedLog).toContain('step "clone-cluster"')
    expect(run.maskedLog).toContain('the destination account 111111111111')
    expect(run.maskedLog).toContain('What to do: The KMS key')
    expect(run.summary).toContain('❌ failed')
    expect(run.summary).toContain('aws rds delete-db-cluster --db-cluster-identifier pr-1-app')
    // Failed within seconds, not at the 350-minute limit (the clone alone takes 5 simulated minutes).
    expect(run.durationMs).toBeLessThan(20_000)
    expect(run.post?.maskedLog).toContain('Removed db-cluster pr-1-app')
    const left = createdSince(before, inventoryOf(sim, ACCOUNTS.production))
    expect(left['db-clusters'] ?? []).toEqual(
      left['db-clusters']?.filter((c) => c.includes('(deleting)')) ?? [],
    )
  })

  it('on cancel, stops and leaves the post step to remove the half-made copy', async () => {
    sim = await startWorld({ scenario: { clockScale: 60 } })
    const world = sim
    // Cancelled once the clone exists, whenever that is on a loaded machine (a fixed delay can
    // land before Node has even loaded the action, which then dies without a word).
    const run = await runAction({
      sim,
      inputs: sameAccountClone,
      cancelWhen: () =>
        world.requests.some(
          (r) => r.operation === 'RestoreDBClusterToPointInTime' && r.endedAt !== undefined,
        ),
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.maskedLog).toContain('Received SIGINT')
    expect(run.post?.exitCode).toBe(0)
    expect(run.post?.maskedLog).toMatch(/Removed db-cluster pr-1-app/)
    expect(calls(sim)).toContain('rds:DeleteDBCluster')
  })
})
