/**
 * The snapshot relays end to end: `node dist/index.js` (main and post) against the simulator's
 * production (111111111111) and staging (222222222222) accounts.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  calls,
  relayInventory as inventory,
  KEYS,
  ROLE_ARNS,
  runAction,
  startWorld,
  TIMED_SCALE,
  type ActionRun,
  type Simulator,
  type WorldOptions,
} from './harness.js'
import { STAGING_SECURITY_GROUPS } from '../../sim/fixtures/production.ts'

type Fixture = Parameters<NonNullable<WorldOptions['fixture']>>[0]
type RdsAccount = NonNullable<Fixture['resources']['rds']>['accounts'][number]

const STAGING_SG_IDS = [...STAGING_SECURITY_GROUPS]
const STAGING_SGS = STAGING_SG_IDS.join(',')
/** Intermediates are named after the run (the local runner's GITHUB_RUN_ID 4242, attempt 1). */
const RUN = 'rds-refresh-4242-1'
/** The shared DB snapshot's name says it holds a Multi-AZ cluster of class db.m6gd.large. */
const HANDOFF = `${RUN}-snapshot-multiaz-db-m6gd-large`

function changeAccount(
  fixture: Fixture,
  account: string,
  change: (a: RdsAccount) => RdsAccount,
): Fixture {
  const rds = fixture.resources.rds
  if (!rds) return fixture
  const accounts = rds.accounts.map((a) => (a.account === account ? change(a) : a))
  return { ...fixture, resources: { ...fixture.resources, rds: { ...rds, accounts } } }
}

function world(
  fixture?: (fixture: Fixture) => Fixture,
  scenario?: WorldOptions['scenario'],
): WorldOptions {
  return { fixture, scenario }
}

const crossAccount = {
  'source-role-arn': ROLE_ARNS.source,
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': KEYS.staging,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': STAGING_SGS,
  'poll-interval-seconds': '0.02',
}

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** Production as the fixture seeds it: the relay must leave it exactly so. */
function untouchedProduction(world: Simulator): void {
  const prod = inventory(world, ACCOUNTS.production)
  expect(prod.snapshots).toEqual([])
  expect(prod.clusterSnapshots).toEqual([])
  expect(prod.shares).toEqual([])
  expect(prod.instances.filter((id) => id.startsWith('rds-refresh'))).toEqual([])
}

function expectSucceeded(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`action failed:\n${run.log}`)
  expect(run.post?.log ?? '').not.toMatch(/Could not remove/)
}

describe('Multi-AZ DB cluster relay (e2e)', () => {
  it('relays across accounts with encryption: the 7 steps in log and summary, only the copy left', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: { ...crossAccount, source: 'prod-multiaz', target: 'staging-mz' },
    })
    expectSucceeded(run)
    const steps = [
      'snapshot-source-cluster',
      'restore-temp-instance',
      'snapshot-temp-instance',
      'share-snapshot',
      'delete-temp-instance',
      'copy-snapshot',
      'restore-cluster',
    ]
    for (const step of steps) {
      expect(run.log).toContain(`[${step}] succeeded`)
      expect(run.summary).toContain(`<td>${step}</td>`)
    }
    expect(run.log).toMatch(/\[copy-snapshot\] DB snapshot .*-copy: copying \d+%/)
    expect(run.outputs).toMatchObject({
      'cluster-identifier': 'staging-mz',
      method: 'relay',
      engine: 'postgres',
      'source-account-id': ACCOUNTS.production,
      'destination-account-id': ACCOUNTS.staging,
    })
    // The shared snapshot was deleted by the run: no output names it.
    expect(run.outputs['snapshot-arn']).toBeUndefined()
    expect(run.outputs['master-user-secret-arn']).toMatch(/^arn:aws:secretsmanager:/)

    const restore = sim.requests.find((r) => r.operation === 'RestoreDBClusterFromSnapshot')
    expect(restore?.input).toMatchObject({
      SnapshotIdentifier: `arn:aws:rds:us-east-1:${ACCOUNTS.staging}:snapshot:${RUN}-copy`,
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBClusterInstanceClass: 'db.m6gd.large',
    })
    untouchedProduction(sim)
    const staging = inventory(sim, ACCOUNTS.staging)
    expect(staging).toEqual({
      clusters: ['staging-mz'],
      instances: ['staging-mz-instance-1', 'staging-mz-instance-2', 'staging-mz-instance-3'],
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
  })

  it('deletes the temporary instance beside the copy and restore (simulator timeline)', async () => {
    // A slow deletion (50 simulated minutes) shows it is off the critical path, yet awaited.
    sim = await startWorld(world(undefined, { durations: { instanceDelete: 3000 } }))
    const run = await runAction({
      sim,
      inputs: { ...crossAccount, source: 'prod-multiaz', target: 'staging-mz' },
    })
    expectSucceeded(run)
    const events = sim.timeline.events
    const at = (identifier: string, status: string): number =>
      events.findIndex((e) => e.identifier === identifier && e.status === status)
    const tempDeleting = at(`${RUN}-tmp`, 'deleting')
    const tempGone = at(`${RUN}-tmp`, 'deleted')
    const copyStarts = at(`${RUN}-copy`, 'copying')
    const copyDone = at(`${RUN}-copy`, 'available')
    const restoreStarts = at('staging-mz', 'creating')
    const restoreDone = at('staging-mz', 'available')
    expect(
      [tempDeleting, copyStarts, copyDone, restoreStarts, restoreDone, tempGone].every(
        (i) => i >= 0,
      ),
    ).toBe(true)
    // Deleting before the copy starts, gone only after the restore finished: both ran beside it.
    expect(tempDeleting).toBeLessThan(copyStarts)
    expect(copyStarts).toBeLessThan(copyDone)
    expect(copyDone).toBeLessThan(restoreStarts)
    expect(restoreDone).toBeLessThan(tempGone)
    // ...and the run still waited for it before ending.
    expect(run.log).toContain('[delete-temp-instance] succeeded')
    expect(
      inventory(sim, ACCOUNTS.production).instances.filter((id) => id.startsWith('rds-refresh')),
    ).toEqual([])
  })

  it('keeps the snapshots with keep-snapshots (no share, no temporary instance)', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: {
        ...crossAccount,
        source: 'prod-multiaz',
        target: 'staging-mz',
        'keep-snapshots': 'true',
      },
    })
    expectSucceeded(run)
    const prod = inventory(sim, ACCOUNTS.production)
    expect(prod.snapshots).toEqual([HANDOFF])
    // A Multi-AZ relay's cluster snapshot carries the class too (the direct path hands it over).
    expect(prod.clusterSnapshots).toEqual([`${RUN}-cluster-multiaz-db-m6gd-large`])
    expect(prod.shares).toEqual([])
    expect(prod.instances.filter((id) => id.startsWith('rds-refresh'))).toEqual([])
    expect(inventory(sim, ACCOUNTS.staging)).toMatchObject({
      clusters: ['staging-mz'],
      snapshots: [`${RUN}-copy`],
      shares: [],
    })
    expect(run.post?.log).toContain('Nothing to clean up.')
  })
  it('after a failed restore the post step removes everything the run made, in both accounts', async () => {
    sim = await startWorld(
      world(undefined, {
        faults: {
          resourceFailures: [
            { operation: 'RestoreDBClusterFromSnapshot', status: 'incompatible-restore' },
          ],
        },
      }),
    )
    const run = await runAction({
      sim,
      inputs: { ...crossAccount, source: 'prod-multiaz', target: 'staging-mz' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain("DB cluster staging-mz went into status 'incompatible-restore'")
    expect(run.summary).toContain('Resources left behind')
    expect(run.post?.log).toContain('Removed db-cluster staging-mz')
    expect(run.post?.log).not.toContain('Could not remove')
    const nothing = { clusters: [], instances: [], snapshots: [], clusterSnapshots: [], shares: [] }
    expect(inventory(sim, ACCOUNTS.staging, false)).toEqual(nothing)
    const prod = inventory(sim, ACCOUNTS.production, false)
    expect(prod).toMatchObject({ snapshots: [], clusterSnapshots: [], shares: [] })
    expect(prod.instances.filter((id) => id.startsWith('rds-refresh'))).toEqual([])
  })
  it('cancelled mid-relay, the post step removes what was made in both accounts', async () => {
    // The cancel must reach the run while it still works: simulated time at the timed pace.
    sim = await startWorld(world(undefined, { clockScale: TIMED_SCALE }))
    const run = await runAction({
      sim,
      inputs: { ...crossAccount, source: 'prod-multiaz', target: 'staging-mz' },
      // Once the source side has made its first intermediate, whenever that is on a loaded machine.
      cancelWhen: () =>
        sim?.requests.some(
          (r) =>
            r.account === ACCOUNTS.production &&
            /^(Create|Restore|Copy)/.test(r.operation) &&
            r.endedAt !== undefined &&
            r.errorCode === undefined,
        ) ?? false,
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('Received SIGINT')
    // Cancelled while the source side was still working: its intermediates are removed.
    expect(run.post?.log).toMatch(
      /Removed db-(instance|snapshot|cluster-snapshot) rds-refresh-4242-1/,
    )
    expect(run.post?.log).not.toContain('Could not remove')
    const nothing = { clusters: [], instances: [], snapshots: [], clusterSnapshots: [], shares: [] }
    expect(inventory(sim, ACCOUNTS.staging, false)).toEqual(nothing)
    const prod = inventory(sim, ACCOUNTS.production, false)
    expect(prod).toMatchObject({ snapshots: [], clusterSnapshots: [], shares: [] })
    expect(prod.instances.filter((id) => id.startsWith('rds-refresh'))).toEqual([])
  })
})

describe('Aurora and instance relays (e2e)', () => {
  it('relays an Aurora cluster through a cluster snapshot', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: {
        ...crossAccount,
        source: 'prod-aurora',
        target: 'staging-aurora',
        method: 'relay',
        'db-cluster-parameter-group': 'staging-aurora-pg16',
      },
    })
    expectSucceeded(run)
    expect(run.outputs).toMatchObject({
      method: 'relay',
      engine: 'aurora-postgresql',
      'db-instance-identifiers': 'staging-aurora-1',
    })
    expect(calls(sim, ACCOUNTS.staging)).toEqual(
      expect.arrayContaining([
        'rds:CopyDBClusterSnapshot',
        'rds:RestoreDBClusterFromSnapshot',
        'rds:CreateDBInstance',
      ]),
    )
    untouchedProduction(sim)
    expect(inventory(sim, ACCOUNTS.staging)).toEqual({
      clusters: ['staging-aurora'],
      instances: ['staging-aurora-1'],
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
  })

  it('relays a DB instance into the named placement', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: {
        ...crossAccount,
        source: 'prod-pg',
        target: 'staging-pg',
        'db-parameter-group': 'staging-pg16',
      },
    })
    expectSucceeded(run)
    expect(run.outputs).toMatchObject({
      'cluster-identifier': 'staging-pg',
      engine: 'postgres',
      method: 'relay',
    })
    const restore = sim.requests.find(
      (r) => r.operation === 'RestoreDBInstanceFromDBSnapshot' && r.account === ACCOUNTS.staging,
    )
    expect(restore?.input).toMatchObject({
      DBSubnetGroupName: 'staging-db',
      VpcSecurityGroupIds: STAGING_SG_IDS,
      DBParameterGroupName: 'staging-pg16',
      MultiAZ: false,
    })
    untouchedProduction(sim)
    expect(inventory(sim, ACCOUNTS.staging)).toEqual({
      clusters: [],
      instances: ['staging-pg'],
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
  })

  it('restores a DB instance copy as Multi-AZ when multi-az asks for it', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: {
        ...crossAccount,
        source: 'prod-pg',
        target: 'staging-pg',
        'db-parameter-group': 'staging-pg16',
        'multi-az': 'true',
      },
    })
    expectSucceeded(run)
    const restore = sim.requests.find(
      (r) => r.operation === 'RestoreDBInstanceFromDBSnapshot' && r.account === ACCOUNTS.staging,
    )
    expect(restore?.input).toMatchObject({ MultiAZ: true })
    const copy = (
      sim.inventory(ACCOUNTS.staging)['db-instances'] as {
        DBInstanceIdentifier?: string
        MultiAZ?: boolean
      }[]
    ).find((i) => i.DBInstanceIdentifier === 'staging-pg')
    expect(copy?.MultiAZ).toBe(true)
  })

  it('relays in one account without sharing or copying', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        source: 'prod-multiaz',
        target: 'prod-multiaz-copy',
        'poll-interval-seconds': '0.02',
      },
    })
    expectSucceeded(run)
    const ops = calls(sim)
    expect(ops).not.toContain('rds:ModifyDBSnapshotAttribute')
    expect(ops).not.toContain('rds:CopyDBSnapshot')
    const shareRow = run.summary
      .split('<tr>')
      .find((row) => row.startsWith('<td>share-snapshot</td>'))
    expect(shareRow).toContain('⏭ skipped')
    const prod = inventory(sim, ACCOUNTS.production)
    expect(prod.clusters).toContain('prod-multiaz-copy')
    expect(prod.snapshots).toEqual([])
    expect(prod.clusterSnapshots).toEqual([])
    expect(prod.instances.filter((id) => id.startsWith('rds-refresh'))).toEqual([])
  })
})

describe('split phases (e2e)', () => {
  it('a failed one-role destination job is cleaned up by its post step, and its re-run finishes', async () => {
    sim = await startWorld(
      world(undefined, {
        faults: {
          failCalls: [
            {
              operation: 'RestoreDBClusterFromSnapshot',
              code: 'InsufficientDBClusterCapacityFault',
              status: 403,
              times: 1,
            },
          ],
        },
      }),
    )
    const source = await runAction({
      sim,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        'destination-role-arn': ROLE_ARNS.staging,
        source: 'prod-multiaz',
        phase: 'source',
        'poll-interval-seconds': '0.02',
      },
    })
    expectSucceeded(source)
    const destinationInputs = {
      'destination-role-arn': ROLE_ARNS.staging,
      'kms-key-id': KEYS.staging,
      'db-subnet-group': 'staging-db',
      'vpc-security-group-ids': STAGING_SGS,
      phase: 'destination',
      'snapshot-arn': source.outputs['snapshot-arn'] ?? '',
      target: 'staging-mz',
      'poll-interval-seconds': '0.02',
    }
    const failed = await runAction({ sim, inputs: destinationInputs })
    expect(failed.exitCode).toBe(1)
    expect(failed.maskedLog).toContain('InsufficientDBClusterCapacityFault')
    expect(failed.maskedLog).toContain('the destination account 222222222222')
    // The post step opens the same single role as the main step and removes the copied snapshot.
    expect(failed.post?.maskedLog).not.toContain('Cleanup failed')
    expect(failed.post?.maskedLog).toMatch(
      /Removed db-snapshot \S+ \(destination account 222222222222\)/,
    )
    const stagingSnapshots = sim.inventory(ACCOUNTS.staging)['db-snapshots'] as {
      Status?: string
    }[]
    expect(stagingSnapshots.filter((snapshot) => snapshot.Status !== 'deleting')).toEqual([])

    // Re-run of the same destination job (next attempt) finishes from the same hand-off.
    const rerun = await runAction({
      sim,
      inputs: destinationInputs,
      env: { GITHUB_RUN_ATTEMPT: '2' },
    })
    expectSucceeded(rerun)
    expect(rerun.outputs['cluster-identifier']).toBe('staging-mz')
  })

  it('hands over snapshot-arn; the destination job finishes from it; a job for another target leaves it alone', async () => {
    sim = await startWorld(world())
    const source = await runAction({
      sim,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        'destination-role-arn': ROLE_ARNS.staging,
        source: 'prod-multiaz',
        target: 'staging-mz',
        phase: 'source',
        'poll-interval-seconds': '0.02',
      },
    })
    expectSucceeded(source)
    const snapshotArn = `arn:aws:rds:us-east-1:${ACCOUNTS.production}:snapshot:${HANDOFF}`
    expect(source.outputs).toMatchObject({ 'snapshot-arn': snapshotArn, method: 'relay' })
    // The source job removed its own temporaries; the hand-off stays shared.
    const prod = inventory(sim, ACCOUNTS.production)
    expect(prod.instances.filter((id) => id.startsWith('rds-refresh'))).toEqual([])
    expect(prod.clusterSnapshots).toEqual([])
    expect(prod.snapshots).toEqual([HANDOFF])
    expect(prod.shares).toEqual([`${HANDOFF}→${ACCOUNTS.staging}`])

    // As the README's split workflow: the destination job holds only the destination role.
    const destinationInputs = {
      'destination-role-arn': ROLE_ARNS.staging,
      'kms-key-id': KEYS.staging,
      'db-subnet-group': 'staging-db',
      'vpc-security-group-ids': STAGING_SGS,
      phase: 'destination',
      'snapshot-arn': snapshotArn,
      target: 'staging-mz',
      'keep-snapshots': 'true',
      'poll-interval-seconds': '0.02',
    }
    const sourceJobRequests = sim.requests.length
    const destination = await runAction({ sim, inputs: destinationInputs })
    expectSucceeded(destination)
    expect(destination.outputs).toMatchObject({
      'cluster-identifier': 'staging-mz',
      engine: 'postgres',
      // Kept in production (this job holds only the destination role), so still named.
      'snapshot-arn': snapshotArn,
      'source-account-id': ACCOUNTS.production,
      'destination-account-id': ACCOUNTS.staging,
    })
    expect(destination.summary).toContain(
      `rds-refresh: ${HANDOFF} (${ACCOUNTS.production}) → staging-mz (${ACCOUNTS.staging})`,
    )
    // The destination job never touches the source account, and reads the snapshot by ARN.
    const destinationRequests = sim.requests.slice(sourceJobRequests)
    expect(destinationRequests.filter((r) => r.account === ACCOUNTS.production)).toEqual([])
    expect(destinationRequests.find((r) => r.operation === 'DescribeDBSnapshots')?.input).toEqual({
      DBSnapshotIdentifier: snapshotArn,
      IncludeShared: true,
    })

    // With only the destination role, the hand-off stays in production, kept and shared.
    expect(inventory(sim, ACCOUNTS.production)).toMatchObject({
      snapshots: [HANDOFF],
      shares: [`${HANDOFF}→${ACCOUNTS.staging}`],
    })

    // A destination job for another target, with both roles and without keep-snapshots: the
    // hand-off was made for staging-mz, so it makes its own copy and leaves the hand-off alone.
    const copies = () => sim!.requests.filter((r) => r.operation === 'CopyDBSnapshot').length
    const before = copies()
    const other = await runAction({
      sim,
      inputs: {
        ...destinationInputs,
        'source-role-arn': ROLE_ARNS.source,
        'keep-snapshots': 'false',
        target: 'staging-mz-2',
      },
      env: { GITHUB_RUN_ATTEMPT: '2' },
    })
    expectSucceeded(other)
    expect(copies()).toBe(before + 1)
    expect(other.log).toMatch(
      /\[unshare-snapshot\] db-snapshot-share \S+ \(source account 111111111111\) is not a hand-off snapshot made for target staging-mz-2 by workflow run 4242 .*: it is used and left alone/,
    )
    expect(other.summary).toContain(`left alone, not made by this run: ${HANDOFF}`)
    expect(inventory(sim, ACCOUNTS.production)).toMatchObject({
      snapshots: [HANDOFF],
      shares: [`${HANDOFF}→${ACCOUNTS.staging}`],
    })
    // The first destination job's copy was kept on request; the second removed its own.
    expect(inventory(sim, ACCOUNTS.staging)).toMatchObject({
      clusters: ['staging-mz', 'staging-mz-2'],
      snapshots: [`${RUN}-copy`],
      shares: [],
    })
  })

  it('the destination phase refuses a snapshot that is not shared with its account', async () => {
    sim = await startWorld(world())
    const run = await runAction({
      sim,
      inputs: {
        ...crossAccount,
        'source-role-arn': ROLE_ARNS.staging,
        'destination-role-arn': '',
        phase: 'destination',
        'snapshot-arn': `arn:aws:rds:us-east-1:${ACCOUNTS.production}:snapshot:${HANDOFF}`,
        target: 'staging-mz',
      },
    })
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      `is not shared with the destination account ${ACCOUNTS.staging}, or does not exist`,
    )
  })
})

describe('relay pre-flight refusals (e2e)', () => {
  const refused = async (inputs: Record<string, string>, options: WorldOptions = world()) => {
    sim = await startWorld(options)
    const run = await runAction({
      sim,
      inputs: { ...crossAccount, target: 'staging-mz', ...inputs },
    })
    expect(run.exitCode).toBe(1)
    const created = sim.requests.filter(
      (r) => /^(Create|Restore|Copy|Modify)/.test(r.operation) && r.service === 'rds',
    )
    expect(created).toEqual([])
    return run
  }

  it('refuses a source under the aws/rds key', async () => {
    const run = await refused({ source: 'prod-aurora-default-key', method: 'relay' })
    expect(run.log).toContain(
      'which AWS does not share with other accounts, so neither a clone nor a snapshot of it can reach account',
    )
    expect(run.log).toContain('Re-encrypt with a customer-managed key')
  })

  it('refuses when the destination account may not use the source key', async () => {
    const locked = world((fixture) => ({
      ...fixture,
      resources: {
        ...fixture.resources,
        kmsKeys: (fixture.resources.kmsKeys ?? []).map((k) =>
          k.account === ACCOUNTS.production ? { ...k, allowAccounts: [] } : k,
        ),
      },
    }))
    const run = await refused({ source: 'prod-multiaz' }, locked)
    expect(run.log).toContain(
      `The destination account ${ACCOUNTS.staging} may not describe the KMS key`,
    )
    expect(run.log).toContain('AccessDeniedException')
  })

  it('refuses an encrypted cross-account relay without kms-key-id', async () => {
    const run = await refused({ source: 'prod-multiaz', 'kms-key-id': '' })
    expect(run.log).toContain('kms-key-id is required: source prod-multiaz is encrypted')
  })

  it('refuses a missing placement and a subnet group or parameter group that does not exist', async () => {
    const unset = await refused({
      source: 'prod-pg',
      'db-subnet-group': '',
      'vpc-security-group-ids': '',
    })
    expect(unset.log).toContain(
      `placement in the destination account ${ACCOUNTS.staging} is not set: db-subnet-group, vpc-security-group-ids, db-parameter-group`,
    )
    await sim?.close()
    const subnet = await refused({ source: 'prod-multiaz', 'db-subnet-group': 'nope-db' })
    expect(subnet.log).toContain(
      'db-subnet-group nope-db does not exist in the destination account',
    )
    await sim?.close()
    const group = await refused({ source: 'prod-pg', 'db-parameter-group': 'nope-pg16' })
    expect(group.log).toContain(
      'db-parameter-group nope-pg16 does not exist in the destination account',
    )
  })

  it('refuses when the manual DB snapshot quota would be exceeded (DB and cluster snapshots count apart)', async () => {
    const full = world((fixture) =>
      changeAccount(fixture, ACCOUNTS.production, (a) => ({
        ...a,
        snapshots: Array.from({ length: 100 }, (_, i) => ({
          identifier: `nightly-${i}`,
          instance: 'prod-pg',
        })),
      })),
    )
    const run = await refused({ source: 'prod-multiaz' }, full)
    expect(run.log).toContain(
      `The source account ${ACCOUNTS.production} has 100 manual DB snapshots; this relay needs 1 more and the quota is 100 (ManualSnapshots)`,
    )
  })

  it('reads the real quotas with DescribeAccountAttributes', async () => {
    const small = world((fixture) =>
      changeAccount(fixture, ACCOUNTS.production, (a) => ({
        ...a,
        quotas: { manualClusterSnapshots: 0 },
      })),
    )
    const run = await refused({ source: 'prod-multiaz' }, small)
    expect(run.log).toContain(
      `The source account ${ACCOUNTS.production} has 0 manual DB cluster snapshots; this relay needs 1 more and the quota is 0 (ManualClusterSnapshots)`,
    )
    expect(calls(sim!, ACCOUNTS.production)).toContain('rds:DescribeAccountAttributes')
  })

  it('falls back to the default quotas, and says so, when DescribeAccountAttributes is denied', async () => {
    const full = world(
      (fixture) =>
        changeAccount(fixture, ACCOUNTS.production, (a) => ({
          ...a,
          snapshots: Array.from({ length: 100 }, (_, i) => ({
            identifier: `nightly-${i}`,
            instance: 'prod-pg',
          })),
        })),
      {
        faults: {
          failCalls: [
            { operation: 'DescribeAccountAttributes', code: 'AccessDenied', status: 403 },
          ],
        },
      },
    )
    const run = await refused({ source: 'prod-multiaz' }, full)
    expect(run.log).toContain(
      `could not read the RDS quotas of the source account ${ACCOUNTS.production} (DescribeAccountAttributes: AccessDenied`,
    )
    expect(run.log).toContain(
      `The source account ${ACCOUNTS.production} has 100 manual DB snapshots; this relay needs 1 more and the quota is 100 (ManualSnapshots)`,
    )
  })
})
