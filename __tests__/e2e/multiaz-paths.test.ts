/**
 * The Multi-AZ relay's two paths end to end, in the three worlds AWS may be (aws-reference B,
 * UNCONFIRMED; the simulator's `multiAzSnapshotSharing`): `refused` (no share of a Multi-AZ DB
 * cluster snapshot), `share` (shared, but a shared encrypted one is not restored directly) and
 * `share-and-restore` (the direct path works).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  KEYS,
  ROLE_ARNS,
  runAction,
  startWorld,
  type ActionRun,
  type Simulator,
  type WorldOptions,
} from './harness.js'
import { STAGING_SECURITY_GROUPS } from '../../sim/fixtures/production.ts'

type Sharing = 'refused' | 'share' | 'share-and-restore'

const RUN = 'rds-refresh-4242-1'
/** The cluster snapshot, and on the 7 steps the DB snapshot, both say the class in their name. */
const CLUSTER_SNAPSHOT = `${RUN}-cluster-multiaz-db-m6gd-large`
const DB_SNAPSHOT = `${RUN}-snapshot-multiaz-db-m6gd-large`
const CLUSTER_SNAPSHOT_ARN = `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster-snapshot:${CLUSTER_SNAPSHOT}`
const DB_SNAPSHOT_ARN = `arn:aws:rds:us-east-1:${ACCOUNTS.production}:snapshot:${DB_SNAPSHOT}`

const destinationInputs = {
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': KEYS.staging,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
  'poll-interval-seconds': '0.02',
}
const crossAccount = {
  ...destinationInputs,
  'source-role-arn': ROLE_ARNS.source,
  source: 'prod-multiaz',
  target: 'staging-mz',
}

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function world(
  sharing: Sharing,
  options: { unencrypted?: boolean } = {},
): Promise<Simulator> {
  sim = await startWorld({
    scenario: { multiAzSnapshotSharing: sharing },
    fixture: options.unencrypted ? unencryptedMultiAz : undefined,
  })
  return sim
}

type Fixture = Parameters<NonNullable<WorldOptions['fixture']>>[0]

/** The same world with prod-multiaz unencrypted: AWS documents restoring a shared unencrypted snapshot. */
function unencryptedMultiAz(fixture: Fixture): Fixture {
  const rds = fixture.resources.rds
  if (!rds) return fixture
  const accounts = rds.accounts.map((account) => ({
    ...account,
    clusters: account.clusters?.map((cluster) =>
      cluster.identifier === 'prod-multiaz' ? { ...cluster, kmsKeyAlias: undefined } : cluster,
    ),
  }))
  return { ...fixture, resources: { ...fixture.resources, rds: { ...rds, accounts } } }
}

type Item = Record<string, unknown> & { Attributes?: { AttributeValues?: string[] }[] }

/** Identifiers an account holds that a run may have made (not what the fixture seeded). */
function made(world: Simulator, account: string) {
  const all = world.inventory(account) as Record<string, Item[]>
  const live = (type: string) =>
    (all[type] ?? []).filter((i) => (i.Status ?? i.DBInstanceStatus) !== 'deleting')
  const ids = (type: string, key: string) => live(type).map((r) => String(r[key]))
  const shares = [...live('db-snapshots'), ...live('db-cluster-snapshots')].flatMap((s) =>
    (s.Attributes ?? []).flatMap((a) => a.AttributeValues ?? []),
  )
  return {
    clusters: ids('db-clusters', 'DBClusterIdentifier').filter((id) => !id.startsWith('prod-')),
    tempInstances: ids('db-instances', 'DBInstanceIdentifier').filter((id) =>
      id.startsWith('rds-refresh'),
    ),
    snapshots: ids('db-snapshots', 'DBSnapshotIdentifier'),
    clusterSnapshots: ids('db-cluster-snapshots', 'DBClusterSnapshotIdentifier'),
    shares,
  }
}

const NOTHING = { clusters: [], tempInstances: [], snapshots: [], clusterSnapshots: [], shares: [] }

function expectSucceeded(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`action failed:\n${run.log}`)
  expect(run.post?.log ?? '').not.toMatch(/Could not remove/)
}

/** Requests of one operation, with their input and answer. */
function requests(world: Simulator, operation: string) {
  return world.requests.filter((r) => r.operation === operation)
}

/** Only the copy is left: nothing of the run in production, the Multi-AZ copy in staging. */
function onlyTheCopyLeft(world: Simulator): void {
  expect(made(world, ACCOUNTS.production)).toEqual(NOTHING)
  expect(made(world, ACCOUNTS.staging)).toEqual({ ...NOTHING, clusters: ['staging-mz'] })
}

describe('Multi-AZ relay under auto: the direct path first, the 7 steps when AWS refuses', () => {
  it('share-and-restore: restores the copy straight from the shared cluster snapshot, no temporary instance, no copy', async () => {
    const sim = await world('share-and-restore')
    const run = await runAction({ sim, inputs: crossAccount })
    expectSucceeded(run)
    expect(run.outputs).toMatchObject({
      'cluster-identifier': 'staging-mz',
      'multi-az-path': 'direct',
      'multi-az-path-reason':
        'AWS shared the cluster snapshot and restored the copy straight from it',
      'snapshot-arn': CLUSTER_SNAPSHOT_ARN,
    })
    expect(run.log).toContain('starts on the direct path')
    expect(run.log).toContain(
      '[restore-cluster-direct] Direct path: AWS shared the cluster snapshot and restored the copy straight from it',
    )
    expect(run.summary).toContain('<td>multi-az-path</td><td>direct</td>')
    for (const step of ['share-cluster-snapshot', 'restore-cluster-direct', 'set-password']) {
      expect(run.log).toContain(`[${step}] succeeded`)
    }
    expect(run.summary).toMatch(/<td>restore-temp-instance<\/td>.*?skipped/)
    const rds = (op: string) => requests(sim, op).length
    expect([
      rds('RestoreDBInstanceFromDBSnapshot'),
      rds('CreateDBSnapshot'),
      rds('CopyDBSnapshot'),
    ]).toEqual([0, 0, 0])
    const restore = requests(sim, 'RestoreDBClusterFromSnapshot')
    expect(restore).toHaveLength(1)
    expect(restore[0]?.input).toMatchObject({
      SnapshotIdentifier: CLUSTER_SNAPSHOT_ARN,
      KmsKeyId: KEYS.staging,
      DBClusterInstanceClass: 'db.m6gd.large',
      Engine: 'postgres',
      EngineVersion: '16.4',
    })
    // Shared once, withdrawn once the copy was available, then deleted.
    const shares = requests(sim, 'ModifyDBClusterSnapshotAttribute').map((r) => r.input)
    expect(shares).toEqual([
      expect.objectContaining({ ValuesToAdd: [ACCOUNTS.staging] }),
      expect.objectContaining({ ValuesToRemove: [ACCOUNTS.staging] }),
    ])
    onlyTheCopyLeft(sim)
  })

  it('refused: AWS refuses the share; the 7 steps run from the same cluster snapshot', async () => {
    const sim = await world('refused')
    const run = await runAction({ sim, inputs: crossAccount })
    expectSucceeded(run)
    expect(run.outputs['multi-az-path']).toBe('seven-step')
    expect(run.outputs['multi-az-path-reason']).toMatch(
      /^AWS refused to share the Multi-AZ DB cluster snapshot \S+ with account 222222222222 \(InvalidParameterValue: .*\); the 7 steps ran from the same cluster snapshot$/,
    )
    expect(run.log).toContain('[share-cluster-snapshot] Falling back to the 7 steps: AWS refused')
    expect(run.summary).toContain('refused by AWS: falling back to the 7 steps')
    expect(run.summary).toContain('<td>multi-az-path</td><td>seven-step</td>')
    // One cluster snapshot, and the temporary instance restored from it.
    expect(requests(sim, 'CreateDBClusterSnapshot')).toHaveLength(1)
    expect(requests(sim, 'RestoreDBInstanceFromDBSnapshot')[0]?.input).toMatchObject({
      DBClusterSnapshotIdentifier: CLUSTER_SNAPSHOT,
    })
    // No direct restore was tried: the share had already been refused.
    expect(
      requests(sim, 'RestoreDBClusterFromSnapshot').map((r) => r.input.SnapshotIdentifier),
    ).toEqual([`arn:aws:rds:us-east-1:${ACCOUNTS.staging}:snapshot:${RUN}-copy`])
    expect(run.outputs['snapshot-arn']).toBe(DB_SNAPSHOT_ARN)
    onlyTheCopyLeft(sim)
    expect(run.post?.log).toContain('Nothing to clean up.')
  })

  it('share: AWS shares, then refuses the direct restore; the share is withdrawn and the 7 steps run', async () => {
    const sim = await world('share')
    const run = await runAction({ sim, inputs: crossAccount })
    expectSucceeded(run)
    expect(run.outputs['multi-az-path']).toBe('seven-step')
    expect(run.outputs['multi-az-path-reason']).toMatch(
      /^AWS refused to restore the Multi-AZ DB cluster staging-mz straight from the shared cluster snapshot \S+ \(InvalidParameterCombination: .*\); the 7 steps ran/,
    )
    const restores = requests(sim, 'RestoreDBClusterFromSnapshot')
    expect(restores.map((r) => [r.input.SnapshotIdentifier, r.errorCode])).toEqual([
      [CLUSTER_SNAPSHOT_ARN, 'InvalidParameterCombination'],
      [`arn:aws:rds:us-east-1:${ACCOUNTS.staging}:snapshot:${RUN}-copy`, undefined],
    ])
    const shares = requests(sim, 'ModifyDBClusterSnapshotAttribute').map((r) => r.input)
    expect(shares).toEqual([
      expect.objectContaining({ ValuesToAdd: [ACCOUNTS.staging] }),
      expect.objectContaining({ ValuesToRemove: [ACCOUNTS.staging] }),
    ])
    expect(requests(sim, 'CreateDBClusterSnapshot')).toHaveLength(1)
    expect(run.log).toContain('[unshare-cluster-snapshot] succeeded')
    onlyTheCopyLeft(sim)
  })

  it('same account: restores straight from the cluster snapshot in any world, nothing shared', async () => {
    const sim = await world('refused')
    const run = await runAction({
      sim,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        source: 'prod-multiaz',
        target: 'mz-copy',
        'poll-interval-seconds': '0.02',
      },
    })
    expectSucceeded(run)
    expect(run.outputs).toMatchObject({
      'multi-az-path': 'direct',
      'multi-az-path-reason': 'same account: restored straight from the cluster snapshot',
    })
    expect(requests(sim, 'ModifyDBClusterSnapshotAttribute')).toEqual([])
    expect(requests(sim, 'RestoreDBInstanceFromDBSnapshot')).toEqual([])
    expect(requests(sim, 'RestoreDBClusterFromSnapshot')[0]?.input.SnapshotIdentifier).toBe(
      CLUSTER_SNAPSHOT_ARN,
    )
    expect(made(sim, ACCOUNTS.production)).toEqual({ ...NOTHING, clusters: ['mz-copy'] })
  })
})

describe('multi-az-path forces a path', () => {
  it('seven-step: the 7 steps even where the direct path works, no cluster snapshot shared', async () => {
    const sim = await world('share-and-restore')
    const run = await runAction({
      sim,
      inputs: { ...crossAccount, 'multi-az-path': 'seven-step' },
    })
    expectSucceeded(run)
    expect(run.outputs).toMatchObject({
      'multi-az-path': 'seven-step',
      'multi-az-path-reason': 'multi-az-path: seven-step',
    })
    expect(requests(sim, 'ModifyDBClusterSnapshotAttribute')).toEqual([])
    expect(requests(sim, 'RestoreDBInstanceFromDBSnapshot')).toHaveLength(1)
    expect(requests(sim, 'CopyDBSnapshot')).toHaveLength(1)
    onlyTheCopyLeft(sim)
  })

  it('direct: a refusal fails the run, says what to do, and the post step removes the cluster snapshot', async () => {
    const sim = await world('refused')
    const run = await runAction({ sim, inputs: { ...crossAccount, 'multi-az-path': 'direct' } })
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      `AWS refused to share the Multi-AZ DB cluster snapshot ${CLUSTER_SNAPSHOT} with account ${ACCOUNTS.staging}`,
    )
    expect(run.log).toContain('InvalidParameterValue')
    expect(run.log).toContain('set multi-az-path to auto (falls back to the 7 steps) or seven-step')
    expect(requests(sim, 'RestoreDBInstanceFromDBSnapshot')).toEqual([])
    expect(run.post?.log).toContain(`Removed db-cluster-snapshot ${CLUSTER_SNAPSHOT}`)
    expect(run.post?.log).not.toContain('Could not remove')
    expect(made(sim, ACCOUNTS.production)).toEqual(NOTHING)
    expect(made(sim, ACCOUNTS.staging)).toEqual(NOTHING)
  })

  it('direct with a source that is not a Multi-AZ DB cluster is refused before any change', async () => {
    const sim = await world('share-and-restore')
    const run = await runAction({
      sim,
      inputs: {
        ...crossAccount,
        source: 'prod-pg',
        'db-parameter-group': 'staging-pg16',
        'multi-az-path': 'direct',
      },
    })
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      'multi-az-path: direct applies to Multi-AZ DB cluster sources only, and this source is not one',
    )
    expect(sim.requests.filter((r) => /^(Create|Restore|Copy|Modify)/.test(r.operation))).toEqual(
      [],
    )
  })
})

describe('cancel on the direct path', () => {
  it('the post step removes the copy being restored, the shared cluster snapshot and its share', async () => {
    const sim = await world('share-and-restore')
    const run = await runAction({
      sim,
      inputs: crossAccount,
      // Once the destination's restore was accepted, whenever that is on a loaded machine.
      cancelWhen: () =>
        requests(sim, 'RestoreDBClusterFromSnapshot').some(
          (r) => r.endedAt !== undefined && r.errorCode === undefined,
        ),
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('Received SIGINT')
    expect(run.post?.log).toContain('Removed db-cluster staging-mz')
    expect(run.post?.log).toContain(`Removed db-cluster-snapshot ${CLUSTER_SNAPSHOT}`)
    expect(run.post?.log).not.toContain('Could not remove')
    expect(made(sim, ACCOUNTS.production)).toEqual(NOTHING)
    expect(made(sim, ACCOUNTS.staging)).toEqual(NOTHING)
  })
})

describe('split jobs on both paths', () => {
  const sourceJob = {
    'source-role-arn': ROLE_ARNS.source,
    'destination-role-arn': ROLE_ARNS.staging,
    source: 'prod-multiaz',
    target: 'staging-mz',
    phase: 'source',
    'poll-interval-seconds': '0.02',
  }
  const destinationJob = (snapshotArn: string) => ({
    ...destinationInputs,
    phase: 'destination',
    'snapshot-arn': snapshotArn,
    target: 'staging-mz',
  })

  it('auto with an encrypted source: the source job takes the 7 steps (its destination job could not fall back)', async () => {
    const sim = await world('share-and-restore')
    const source = await runAction({ sim, inputs: sourceJob })
    expectSucceeded(source)
    expect(source.outputs).toMatchObject({
      'multi-az-path': 'seven-step',
      'snapshot-arn': DB_SNAPSHOT_ARN,
    })
    expect(source.outputs['multi-az-path-reason']).toMatch(/^split jobs and an encrypted source/)
    expect(requests(sim, 'ModifyDBClusterSnapshotAttribute')).toEqual([])
    const destination = await runAction({ sim, inputs: destinationJob(DB_SNAPSHOT_ARN) })
    expectSucceeded(destination)
    expect(destination.outputs).toMatchObject({
      'multi-az-path': 'seven-step',
      'multi-az-path-reason':
        "the hand-off is a DB snapshot of the source job's temporary instance",
    })
    expect(requests(sim, 'RestoreDBClusterFromSnapshot')).toHaveLength(1)
  })

  it('auto with an unencrypted source where AWS shares: the cluster snapshot is the hand-off, restored directly', async () => {
    const sim = await world('share', { unencrypted: true })
    const source = await runAction({ sim, inputs: sourceJob })
    expectSucceeded(source)
    expect(source.outputs).toMatchObject({
      'multi-az-path': 'direct',
      'snapshot-arn': CLUSTER_SNAPSHOT_ARN,
    })
    expect(requests(sim, 'RestoreDBInstanceFromDBSnapshot')).toEqual([])
    const destination = await runAction({ sim, inputs: destinationJob(CLUSTER_SNAPSHOT_ARN) })
    expectSucceeded(destination)
    expect(destination.outputs['multi-az-path']).toBe('direct')
    expect(requests(sim, 'RestoreDBClusterFromSnapshot')[0]?.input).toMatchObject({
      SnapshotIdentifier: CLUSTER_SNAPSHOT_ARN,
      DBClusterInstanceClass: 'db.m6gd.large',
    })
    expect(made(sim, ACCOUNTS.staging)).toEqual({ ...NOTHING, clusters: ['staging-mz'] })
  })

  it('auto with an unencrypted source where AWS refuses the share: the source job falls back and hands over a DB snapshot', async () => {
    const sim = await world('refused', { unencrypted: true })
    const source = await runAction({ sim, inputs: sourceJob })
    expectSucceeded(source)
    expect(source.outputs).toMatchObject({
      'multi-az-path': 'seven-step',
      'snapshot-arn': DB_SNAPSHOT_ARN,
    })
    expect(source.outputs['multi-az-path-reason']).toMatch(/^AWS refused to share/)
    // Its cluster snapshot, made as a hand-off, went once the temporary instance existed.
    expect(made(sim, ACCOUNTS.production)).toEqual({
      ...NOTHING,
      snapshots: [DB_SNAPSHOT],
      shares: [ACCOUNTS.staging],
    })
    const destination = await runAction({ sim, inputs: destinationJob(DB_SNAPSHOT_ARN) })
    expectSucceeded(destination)
    expect(destination.outputs['multi-az-path']).toBe('seven-step')
    expect(made(sim, ACCOUNTS.staging)).toEqual({ ...NOTHING, clusters: ['staging-mz'] })
  })

  it('direct: the source job hands over the cluster snapshot; the destination job restores from it, then, with both roles, removes it', async () => {
    const sim = await world('share-and-restore')
    const source = await runAction({ sim, inputs: { ...sourceJob, 'multi-az-path': 'direct' } })
    expectSucceeded(source)
    expect(source.outputs).toMatchObject({
      method: 'relay',
      'multi-az-path': 'direct',
      'snapshot-arn': CLUSTER_SNAPSHOT_ARN,
    })
    expect(made(sim, ACCOUNTS.production)).toEqual({
      ...NOTHING,
      clusterSnapshots: [CLUSTER_SNAPSHOT],
      shares: [ACCOUNTS.staging],
    })
    expect(requests(sim, 'RestoreDBInstanceFromDBSnapshot')).toEqual([])

    const sourceJobRequests = sim.requests.length
    const destination = await runAction({
      sim,
      inputs: { ...destinationJob(CLUSTER_SNAPSHOT_ARN), 'source-role-arn': ROLE_ARNS.source },
    })
    expectSucceeded(destination)
    expect(destination.outputs).toMatchObject({
      'cluster-identifier': 'staging-mz',
      'multi-az-path': 'direct',
      'multi-az-path-reason': 'the hand-off is the Multi-AZ DB cluster snapshot itself',
    })
    const later = sim.requests.slice(sourceJobRequests)
    expect(later.find((r) => r.operation === 'RestoreDBClusterFromSnapshot')?.input).toMatchObject({
      SnapshotIdentifier: CLUSTER_SNAPSHOT_ARN,
      KmsKeyId: KEYS.staging,
      // Read from the hand-off's name: the destination job never reads the source cluster.
      DBClusterInstanceClass: 'db.m6gd.large',
    })
    expect(
      later.filter(
        (r) => r.operation === 'DescribeDBClusters' && r.account === ACCOUNTS.production,
      ),
    ).toEqual([])
    onlyTheCopyLeft(sim)
  })

  it('direct where AWS refuses the restore: the one-role destination job fails, says to use seven-step, and leaves the hand-off', async () => {
    const sim = await world('share')
    const source = await runAction({ sim, inputs: { ...sourceJob, 'multi-az-path': 'direct' } })
    expectSucceeded(source)
    const destination = await runAction({ sim, inputs: destinationJob(CLUSTER_SNAPSHOT_ARN) })
    expect(destination.exitCode).toBe(1)
    expect(destination.log).toContain(
      'AWS refused to restore the Multi-AZ DB cluster staging-mz straight from the shared cluster snapshot',
    )
    expect(destination.log).toContain('run the source job with multi-az-path: seven-step')
    expect(destination.post?.log).not.toContain('Could not remove')
    expect(made(sim, ACCOUNTS.staging)).toEqual(NOTHING)
    // The hand-off belongs to the source job's account: this job holds no role there.
    expect(made(sim, ACCOUNTS.production)).toEqual({
      ...NOTHING,
      clusterSnapshots: [CLUSTER_SNAPSHOT],
      shares: [ACCOUNTS.staging],
    })
  })
})
