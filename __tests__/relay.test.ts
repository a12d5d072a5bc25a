import { afterEach, describe, expect, it } from '@jest/globals'
import { DeleteDBClusterCommand } from '@aws-sdk/client-rds'
import { relayPlan, forPhase } from '../src/methods/relay/plan.js'
import { handoffSnapshotName, kindOfHandoff } from '../src/methods/relay/names.js'
import { refreshReport, tagsFor } from '../src/methods/common/context.js'
import { Purpose } from '../src/tags.js'
import { sourceFromSnapshot } from '../src/methods/common/phases.js'
import { credentialSettings } from '../src/credentials.js'
import { phaseOutputs } from '../src/report.js'
import { SOURCE_SECURITY_GROUP } from '../sim/fixtures/production.ts'
import { relayInventory } from './e2e/harness.js'
import {
  PROD,
  PROD_KEY,
  relayContext,
  relaySettings,
  runRelay,
  startRelayWorld,
  STAGING,
  STAGING_KEY,
  STAGING_PLACEMENT,
  STAGING_SG,
  RELAY_SG,
} from './relay-world.js'
import {
  accountSession,
  callOf,
  callsOf,
  opsOf,
  runSimPlan,
  type Simulator,
} from './sim-accounts.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function productionWorld(): Promise<Simulator> {
  sim = await startRelayWorld()
  return sim
}

/** Deletes a staging cluster (as a user would) and waits until it is gone. */
async function removeCluster(world: Simulator, identifier: string): Promise<void> {
  const { rds } = accountSession(world, STAGING, 'destination').clients
  await rds.send(
    new DeleteDBClusterCommand({ DBClusterIdentifier: identifier, SkipFinalSnapshot: true }),
  )
  while (relayInventory(world, STAGING).clusters.includes(identifier)) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The three member instances AWS names after a Multi-AZ DB cluster. */
const multiAzMembers = (cluster: string) => [1, 2, 3].map((n) => `${cluster}-instance-${n}`)

/** What an account holds once the run is over (resources being deleted are gone). */
const inventory = (world: Simulator, account: string) => relayInventory(world, account, false)

/** Production's databases as the fixture seeds them: a relay leaves them exactly so. */
const PROD_CLUSTERS = ['prod-aurora', 'prod-aurora-default-key', 'prod-multiaz']
const PROD_INSTANCES = [
  'prod-aurora-default-key-writer',
  'prod-aurora-reader-1',
  'prod-aurora-writer',
  ...multiAzMembers('prod-multiaz'),
  'prod-pg',
]

const HANDOFF = 'rds-refresh-42-1-snapshot-multiaz-db-m6gd-large'
/** The destination's copy of the shared snapshot is named after the run that copies it. */
const COPY = 'rds-refresh-42-1-copy'
const HANDOFF_ARN = `arn:aws:rds:us-east-1:${PROD}:snapshot:${HANDOFF}`
/** The direct path's steps, skipped on the 7 steps (relayContext walks the 7 steps). */
const DIRECT_STEPS = [
  'share-cluster-snapshot',
  'restore-cluster-direct',
  'unshare-cluster-snapshot',
  'delete-shared-cluster-snapshot',
]

describe('Multi-AZ DB cluster relay', () => {
  it('lists the 7 steps by name, with the temporary instance deleted beside share, copy and restore', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, { settings: relaySettings(STAGING_PLACEMENT) })
    const plan = relayPlan(h.ctx)
    const byName = new Map(plan.steps.map((s) => [s.name, s]))
    expect(plan.steps.map((s) => s.name)).toEqual([
      'preflight',
      'snapshot-source-cluster',
      'share-cluster-snapshot',
      'restore-cluster-direct',
      'unshare-cluster-snapshot',
      'delete-shared-cluster-snapshot',
      'restore-temp-instance',
      'delete-cluster-snapshot',
      'snapshot-temp-instance',
      'delete-temp-instance',
      'share-snapshot',
      'copy-snapshot',
      'restore-cluster',
      'set-password',
      'describe-copy',
      'unshare-snapshot',
      'delete-shared-snapshot',
      'delete-copied-snapshot',
    ])
    expect(byName.get('delete-temp-instance')?.after).toEqual(['snapshot-temp-instance'])
    expect(byName.get('share-snapshot')?.after).toEqual(['snapshot-temp-instance'])
    expect(byName.get('copy-snapshot')?.after).toEqual([
      'share-snapshot',
      'snapshot-temp-instance',
      'preflight',
    ])
    expect(byName.get('restore-cluster')?.after).toEqual(['copy-snapshot'])
  })

  it('relays cross-account with re-encryption and leaves only the copy', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, { settings: relaySettings(STAGING_PLACEMENT) })
    const result = await runRelay(h)
    expect(result.error).toBeUndefined()
    expect(
      result.steps.every(
        (s) => s.status === (DIRECT_STEPS.includes(s.name) ? 'skipped' : 'succeeded'),
      ),
    ).toBe(true)

    const creates = callsOf(h)
      .filter((c) => /^(Create|Restore|Copy|Modify.*Attribute)/.test(c.op))
      .map((c) => `${c.account}:${c.op}`)
    // The share is withdrawn as soon as the copy exists, beside the restore.
    expect(creates.slice(-2).sort()).toEqual([
      `${PROD}:ModifyDBSnapshotAttribute`,
      `${STAGING}:RestoreDBClusterFromSnapshot`,
    ])
    expect(creates.slice(0, -2)).toEqual([
      `${PROD}:CreateDBClusterSnapshot`,
      `${PROD}:RestoreDBInstanceFromDBSnapshot`,
      `${PROD}:CreateDBSnapshot`,
      `${PROD}:ModifyDBSnapshotAttribute`,
      `${STAGING}:CopyDBSnapshot`,
    ])
    expect(callOf(h, 'RestoreDBInstanceFromDBSnapshot')?.input).toEqual({
      DBInstanceIdentifier: 'rds-refresh-42-1-tmp',
      DBClusterSnapshotIdentifier: 'rds-refresh-42-1-cluster-multiaz-db-m6gd-large',
      Engine: 'postgres',
      DBInstanceClass: 'db.m6gd.large',
      MultiAZ: false,
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: [SOURCE_SECURITY_GROUP],
      AllocatedStorage: 100,
      StorageType: 'io1',
      Iops: 1000,
      PubliclyAccessible: false,
      DeletionProtection: false,
      Tags: tagsFor(h.ctx, Purpose.intermediate),
    })
    expect(callOf(h, 'ModifyDBSnapshotAttribute')?.input).toEqual({
      DBSnapshotIdentifier: HANDOFF,
      AttributeName: 'restore',
      ValuesToAdd: [STAGING],
    })
    const copy = callOf(h, 'CopyDBSnapshot')?.input
    expect(copy).toEqual({
      SourceDBSnapshotIdentifier: HANDOFF_ARN,
      TargetDBSnapshotIdentifier: COPY,
      KmsKeyId: STAGING_KEY,
      Tags: tagsFor(h.ctx, Purpose.intermediate),
    })
    expect(copy).not.toHaveProperty('PreSignedUrl')
    expect(callOf(h, 'RestoreDBClusterFromSnapshot')?.input).toEqual({
      DBClusterIdentifier: 'staging-db',
      SnapshotIdentifier: `arn:aws:rds:us-east-1:${STAGING}:snapshot:${COPY}`,
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBClusterInstanceClass: 'db.m6gd.large',
      StorageType: 'io1',
      Iops: 1000,
      DBSubnetGroupName: 'staging-db',
      VpcSecurityGroupIds: [STAGING_SG],
      PubliclyAccessible: false,
      KmsKeyId: STAGING_KEY,
      DeletionProtection: false,
      Tags: tagsFor(h.ctx, Purpose.copy),
    })
    expect(callOf(h, 'DeleteDBInstance')?.input).toMatchObject({
      DBInstanceIdentifier: 'rds-refresh-42-1-tmp',
      SkipFinalSnapshot: true,
    })

    expect(inventory(world, PROD)).toEqual({
      clusters: PROD_CLUSTERS,
      instances: PROD_INSTANCES,
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
    // A Multi-AZ DB cluster's three members are its own instances, not the run's.
    expect(inventory(world, STAGING)).toEqual({
      clusters: ['staging-db'],
      instances: multiAzMembers('staging-db'),
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
    expect(h.ledger.list()).toEqual([
      { kind: 'db-cluster', side: 'destination', id: 'staging-db', disposal: 'copy' },
    ])
    expect(refreshReport(h.ctx).copy).toMatchObject({
      identifier: 'staging-db',
      endpoint: expect.stringMatching(/^staging-db\.cluster-\w+\.us-east-1\.rds\.amazonaws\.com$/),
      masterUserSecretArn: expect.stringMatching(
        new RegExp(`^arn:aws:secretsmanager:us-east-1:${STAGING}:secret:rds!cluster-`),
      ),
    })
    // The run deleted the shared snapshot, so the copy no longer names it.
    expect(refreshReport(h.ctx).copy.snapshotArn).toBeUndefined()
  })

  it('uses the temp placement inputs and the instance-class, storage and iops inputs', async () => {
    const world = await productionWorld()
    const settings = relaySettings({
      ...STAGING_PLACEMENT,
      tempDbSubnetGroup: 'prod-relay',
      tempVpcSecurityGroupIds: [RELAY_SG],
      instanceClass: 'db.m6gd.xlarge',
      storageType: 'io2',
      iops: 5000,
      dbClusterParameterGroup: 'staging-pg16-cluster',
      publiclyAccessible: true,
      deletionProtection: true,
    })
    const h = await relayContext(world, { settings })
    expect((await runRelay(h)).error).toBeUndefined()
    expect(callOf(h, 'RestoreDBInstanceFromDBSnapshot')?.input).toMatchObject({
      DBSubnetGroupName: 'prod-relay',
      VpcSecurityGroupIds: [RELAY_SG],
      DBInstanceClass: 'db.m6gd.large',
    })
    expect(callOf(h, 'RestoreDBClusterFromSnapshot')?.input).toMatchObject({
      DBClusterInstanceClass: 'db.m6gd.xlarge',
      StorageType: 'io2',
      Iops: 5000,
      DBClusterParameterGroupName: 'staging-pg16-cluster',
      PubliclyAccessible: true,
      DeletionProtection: true,
    })
  })

  it('keeps the snapshots (recorded as kept) but not the share or the temporary instance with keep-snapshots', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, {
      settings: relaySettings({ ...STAGING_PLACEMENT, keepSnapshots: true }),
    })
    const result = await runRelay(h)
    expect(result.error).toBeUndefined()
    expect(result.steps.filter((s) => s.status === 'skipped').map((s) => s.name)).toEqual([
      ...DIRECT_STEPS,
      'delete-cluster-snapshot',
      'delete-shared-snapshot',
      'delete-copied-snapshot',
    ])
    expect(inventory(world, PROD)).toMatchObject({
      instances: PROD_INSTANCES,
      snapshots: [HANDOFF],
      clusterSnapshots: ['rds-refresh-42-1-cluster-multiaz-db-m6gd-large'],
      shares: [],
    })
    expect(inventory(world, STAGING)).toMatchObject({ snapshots: [COPY], shares: [] })
    expect(h.ledger.list()).toEqual([
      {
        kind: 'db-cluster-snapshot',
        side: 'source',
        id: 'rds-refresh-42-1-cluster-multiaz-db-m6gd-large',
        disposal: 'kept',
      },
      { kind: 'db-snapshot', side: 'source', id: HANDOFF, disposal: 'kept' },
      { kind: 'db-snapshot', side: 'destination', id: COPY, disposal: 'kept' },
      { kind: 'db-cluster', side: 'destination', id: 'staging-db', disposal: 'copy' },
    ])
  })

  it('in one account neither shares nor copies, restores from the snapshot itself, then deletes it', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, {
      settings: relaySettings({ target: 'prod-multiaz-copy' }),
      sameAccount: true,
    })
    const result = await runRelay(h)
    expect(result.error).toBeUndefined()
    expect(result.steps.find((s) => s.name === 'share-snapshot')?.status).toBe('skipped')
    expect(result.steps.find((s) => s.name === 'copy-snapshot')?.notes).toEqual([
      'not needed (same account)',
    ])
    expect(opsOf(h)).not.toContain('CopyDBSnapshot')
    expect(opsOf(h)).not.toContain('ModifyDBSnapshotAttribute')
    expect(callOf(h, 'RestoreDBClusterFromSnapshot')?.input).toMatchObject({
      SnapshotIdentifier: HANDOFF_ARN,
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: [SOURCE_SECURITY_GROUP],
      DBClusterParameterGroupName: 'prod-pg16-cluster',
    })
    expect(inventory(world, PROD)).toMatchObject({
      snapshots: [],
      clusterSnapshots: [],
      instances: [...PROD_INSTANCES, ...multiAzMembers('prod-multiaz-copy')].sort(),
    })
  })

  it('in one account copies when kms-key-id names another key', async () => {
    const world = await productionWorld()
    const settings = relaySettings({
      target: 'prod-multiaz-copy',
      kmsKeyId: `arn:aws:kms:us-east-1:${PROD}:alias/aws/rds`,
    })
    const h = await relayContext(world, { settings, sameAccount: true })
    expect((await runRelay(h)).error).toBeUndefined()
    expect(callOf(h, 'CopyDBSnapshot')?.input).toMatchObject({ KmsKeyId: settings.kmsKeyId })
    expect(inventory(world, PROD).snapshots).toEqual([])
  })

  it('on a failed copy leaves the temporaries in the ledger for the post step', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, { settings: relaySettings(STAGING_PLACEMENT) })
    world.setFaults({
      failCalls: [
        {
          operation: 'CopyDBSnapshot',
          account: STAGING,
          code: 'KMSKeyNotAccessibleFault',
          message: 'The key is not accessible',
          times: 1,
        },
      ],
    })
    const result = await runRelay(h)
    expect(result.error?.message).toContain('KMSKeyNotAccessibleFault')
    expect(result.error).toMatchObject({ step: 'copy-snapshot', code: 'KMSKeyNotAccessibleFault' })
    expect(result.steps.find((s) => s.name === 'restore-cluster')?.status).toBe('not-run')
    expect(h.ledger.list().map((r) => `${r.kind}:${r.id}:${r.disposal}`)).toEqual(
      expect.arrayContaining([
        `db-snapshot:${HANDOFF}:temporary`,
        `db-snapshot-share:${HANDOFF}:temporary`,
      ]),
    )
  })
})

describe('Aurora snapshot relay', () => {
  it('snapshots, shares, copies with the destination key, restores with engine and version, adds instances', async () => {
    const world = await productionWorld()
    const settings = relaySettings({
      ...STAGING_PLACEMENT,
      dbClusterParameterGroup: 'staging-aurora-pg16',
      instanceCount: 2,
    })
    const h = await relayContext(world, { settings, source: 'prod-aurora' })
    const plan = relayPlan(h.ctx)
    expect(plan.steps.map((s) => s.name)).toEqual([
      'preflight',
      'snapshot-source-cluster',
      'share-snapshot',
      'copy-snapshot',
      'restore-cluster',
      'create-instances',
      'set-password',
      'describe-copy',
      'unshare-snapshot',
      'delete-shared-snapshot',
      'delete-copied-snapshot',
    ])
    const result = await runSimPlan(h, plan)
    expect(result.error).toBeUndefined()
    const snapshotArn = `arn:aws:rds:us-east-1:${PROD}:cluster-snapshot:rds-refresh-42-1-cluster-snapshot`
    expect(callOf(h, 'ModifyDBClusterSnapshotAttribute')?.input).toEqual({
      DBClusterSnapshotIdentifier: 'rds-refresh-42-1-cluster-snapshot',
      AttributeName: 'restore',
      ValuesToAdd: [STAGING],
    })
    expect(callOf(h, 'CopyDBClusterSnapshot')?.input).toEqual({
      SourceDBClusterSnapshotIdentifier: snapshotArn,
      TargetDBClusterSnapshotIdentifier: 'rds-refresh-42-1-copy',
      KmsKeyId: STAGING_KEY,
      Tags: tagsFor(h.ctx, Purpose.intermediate),
    })
    expect(callOf(h, 'RestoreDBClusterFromSnapshot')?.input).toEqual({
      DBClusterIdentifier: 'staging-db',
      SnapshotIdentifier: `arn:aws:rds:us-east-1:${STAGING}:cluster-snapshot:rds-refresh-42-1-copy`,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DBSubnetGroupName: 'staging-db',
      VpcSecurityGroupIds: [STAGING_SG],
      DBClusterParameterGroupName: 'staging-aurora-pg16',
      KmsKeyId: STAGING_KEY,
      DeletionProtection: false,
      Tags: tagsFor(h.ctx, Purpose.copy),
    })
    expect(
      callsOf(h)
        .filter((c) => c.op === 'CreateDBInstance')
        .map((c) => c.input),
    ).toEqual([
      expect.objectContaining({
        DBInstanceIdentifier: 'staging-db-1',
        DBClusterIdentifier: 'staging-db',
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
      }),
      expect.objectContaining({ DBInstanceIdentifier: 'staging-db-2' }),
    ])
    expect(inventory(world, PROD)).toMatchObject({ clusterSnapshots: [], shares: [] })
    expect(inventory(world, STAGING)).toEqual({
      clusters: ['staging-db'],
      instances: ['staging-db-1', 'staging-db-2'],
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
    // Deleted once the copy existed: the snapshot-arn output would name nothing.
    expect(refreshReport(h.ctx).copy.snapshotArn).toBeUndefined()
  })
})

describe('DB instance relay', () => {
  const placement = { ...STAGING_PLACEMENT, dbParameterGroup: 'staging-pg16' }

  it('restores with the named placement, Single-AZ, and sets the password with ModifyDBInstance', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, { settings: relaySettings(placement), source: 'prod-pg' })
    const result = await runRelay(h)
    expect(result.error).toBeUndefined()
    expect(result.steps.map((s) => s.name)).toContain('restore-instance')
    expect(callOf(h, 'CreateDBSnapshot')?.input).toMatchObject({
      DBInstanceIdentifier: 'prod-pg',
      DBSnapshotIdentifier: 'rds-refresh-42-1-snapshot-instance',
    })
    expect(callOf(h, 'RestoreDBInstanceFromDBSnapshot')?.input).toEqual({
      DBInstanceIdentifier: 'staging-db',
      DBSnapshotIdentifier: `arn:aws:rds:us-east-1:${STAGING}:snapshot:rds-refresh-42-1-copy`,
      DBInstanceClass: 'db.t4g.medium',
      DBSubnetGroupName: 'staging-db',
      VpcSecurityGroupIds: [STAGING_SG],
      DBParameterGroupName: 'staging-pg16',
      MultiAZ: false,
      StorageType: 'gp3',
      PubliclyAccessible: false,
      DeletionProtection: false,
      Tags: tagsFor(h.ctx, Purpose.copy),
    })
    expect(callOf(h, 'ModifyDBInstance')?.input).toEqual({
      DBInstanceIdentifier: 'staging-db',
      ManageMasterUserPassword: true,
      ApplyImmediately: true,
    })
    expect(inventory(world, STAGING)).toEqual({
      clusters: [],
      instances: ['staging-db'],
      snapshots: [],
      clusterSnapshots: [],
      shares: [],
    })
    expect(inventory(world, PROD)).toMatchObject({ snapshots: [], shares: [] })
    expect(refreshReport(h.ctx).copy).toMatchObject({
      kind: 'instance',
      endpoint: expect.stringMatching(/^staging-db\.\w+\.us-east-1\.rds\.amazonaws\.com$/),
      port: 5432,
    })
  })
})

describe('split phases', () => {
  it('phase source stops after sharing, keeps the hand-off and removes its own temporaries', async () => {
    const world = await productionWorld()
    const h = await relayContext(world, {
      settings: relaySettings({ ...STAGING_PLACEMENT, phase: 'source' }),
    })
    const plan = relayPlan(h.ctx)
    expect(plan.steps.map((s) => s.name)).toEqual([
      'preflight',
      'snapshot-source-cluster',
      'share-cluster-snapshot',
      'restore-temp-instance',
      'delete-cluster-snapshot',
      'snapshot-temp-instance',
      'delete-temp-instance',
      'share-snapshot',
    ])
    const result = await runSimPlan(h, plan)
    expect(result.error).toBeUndefined()
    // Only: can the destination account use the source key?
    expect(callsOf(h).filter((c) => c.account === STAGING)).toEqual([
      { account: STAGING, op: 'DescribeKey', input: { KeyId: PROD_KEY } },
    ])
    expect(inventory(world, PROD)).toMatchObject({
      instances: PROD_INSTANCES,
      snapshots: [HANDOFF],
      clusterSnapshots: [],
      shares: [`${HANDOFF}→${STAGING}`],
    })
    expect(h.ledger.list()).toEqual([
      { kind: 'db-snapshot', side: 'source', id: HANDOFF, disposal: 'handoff' },
      {
        kind: 'db-snapshot-share',
        side: 'source',
        id: HANDOFF,
        disposal: 'handoff',
        sharedWith: STAGING,
      },
    ])
    expect(phaseOutputs(refreshReport(h.ctx))).toEqual({
      method: 'relay',
      'multi-az-path': 'seven-step',
      'multi-az-path-reason': 'multi-az-path: seven-step',
      'snapshot-arn': HANDOFF_ARN,
    })
  })

  it('phase destination rebuilds the Multi-AZ cluster from the shared snapshot alone, and a re-run reuses the copy', async () => {
    const world = await productionWorld()
    const source = await relayContext(world, { settings: relaySettings({ phase: 'source' }) })
    await runRelay(source)

    const settings = relaySettings({
      ...STAGING_PLACEMENT,
      phase: 'destination',
      snapshotArn: HANDOFF_ARN,
      keepSnapshots: true,
    })
    const staging = accountSession(world, STAGING, 'destination')
    const sourceDb = await sourceFromSnapshot(staging, HANDOFF_ARN)
    expect(sourceDb).toMatchObject({
      kind: 'multi-az-cluster',
      engine: 'postgres',
      engineVersion: '16.4',
      encrypted: true,
      kmsKeyArn: PROD_KEY,
      cluster: { DBClusterInstanceClass: 'db.m6gd.large', StorageType: 'io1' },
    })
    // The destination job holds only the destination role: the hand-off stays as it is.
    const h = await relayContext(world, { settings, sourceDb, destinationRoleOnly: true })
    const plan = relayPlan(h.ctx)
    expect(plan.steps.map((s) => s.name)).toEqual([
      'preflight',
      'restore-cluster-direct',
      'unshare-cluster-snapshot',
      'delete-shared-cluster-snapshot',
      'copy-snapshot',
      'restore-cluster',
      'set-password',
      'describe-copy',
      'unshare-snapshot',
      'delete-shared-snapshot',
      'delete-copied-snapshot',
    ])
    expect(plan.steps.find((s) => s.name === 'copy-snapshot')?.after).toEqual(['preflight'])
    const first = await runSimPlan(h, plan)
    expect(first.error).toBeUndefined()
    expect(opsOf(h, PROD)).toEqual([])
    expect(first.steps.filter((s) => s.status === 'skipped').map((s) => s.name)).toEqual([
      ...DIRECT_STEPS.slice(1),
      'unshare-snapshot',
      'delete-shared-snapshot',
      'delete-copied-snapshot',
    ])
    expect(callOf(h, 'RestoreDBClusterFromSnapshot')?.input).toMatchObject({
      DBClusterInstanceClass: 'db.m6gd.large',
      Engine: 'postgres',
      EngineVersion: '16.4',
    })
    expect(inventory(world, PROD)).toMatchObject({
      snapshots: [HANDOFF],
      shares: [`${HANDOFF}→${STAGING}`],
    })

    // A re-run (now with both roles, without keep-snapshots) reuses the earlier copy without
    // copying again, then withdraws the share and deletes both snapshots.
    await removeCluster(world, 'staging-db')
    const rerun = { ...settings, keepSnapshots: false }
    const again = await relayContext(world, { settings: rerun, sourceDb })
    const second = await runRelay(again)
    expect(second.error).toBeUndefined()
    expect(opsOf(again, STAGING)).not.toContain('CopyDBSnapshot')
    expect(second.steps.find((s) => s.name === 'copy-snapshot')?.notes).toEqual(['reused', COPY])
    expect(inventory(world, PROD)).toMatchObject({ snapshots: [], shares: [] })
    expect(inventory(world, STAGING)).toMatchObject({ clusters: ['staging-db'], snapshots: [] })
  })

  it('phase destination refuses a snapshot that is not shared with its account', async () => {
    const world = await productionWorld()
    const staging = accountSession(world, STAGING, 'destination')
    await expect(sourceFromSnapshot(staging, HANDOFF_ARN)).rejects.toThrow(
      `Snapshot ${HANDOFF_ARN} is not shared with the destination account ${STAGING}, or does not exist`,
    )
    await expect(sourceFromSnapshot(staging, 'arn:aws:rds:us-east-1:1:db:x')).rejects.toThrow(
      'is not the ARN of an RDS DB snapshot',
    )
  })

  it('opens only the destination role in phase destination', () => {
    const role = `arn:aws:iam::${STAGING}:role/rds-refresh-destination`
    const destination = relaySettings({ phase: 'destination', destinationRoleArn: role })
    expect(credentialSettings(destination)).toMatchObject({
      sourceRoleArn: role,
      destinationRoleArn: role,
    })
    const viaSource = relaySettings({ phase: 'destination', sourceRoleArn: role })
    expect(credentialSettings(viaSource)).toMatchObject({
      sourceRoleArn: role,
      destinationRoleArn: role,
    })
    const all = relaySettings({ sourceRoleArn: 'a', destinationRoleArn: role })
    expect(credentialSettings(all)).toBe(all)
  })

  it('keeps only the phase steps and drops dependencies on the other phase', () => {
    const steps = [
      {
        name: 'a',
        title: '',
        side: 'source' as const,
        phases: ['all', 'source'] as const,
        run: async () => undefined,
      },
      {
        name: 'b',
        title: '',
        side: 'destination' as const,
        phases: ['all', 'destination'] as const,
        after: ['a'],
        run: async () => undefined,
      },
    ]
    expect(forPhase(steps, 'destination').map((s) => [s.name, s.after])).toEqual([['b', []]])
    expect(forPhase(steps, 'all').map((s) => [s.name, s.after])).toEqual([
      ['a', []],
      ['b', ['a']],
    ])
  })
})

describe('hand-off names', () => {
  it('encode the source kind and the Multi-AZ instance class', async () => {
    const world = await productionWorld()
    const multiAz = await relayContext(world, { settings: relaySettings() })
    expect(handoffSnapshotName(multiAz.ctx)).toBe(HANDOFF)
    const instance = await relayContext(world, { settings: relaySettings(), source: 'prod-pg' })
    expect(handoffSnapshotName(instance.ctx)).toBe('rds-refresh-42-1-snapshot-instance')
    expect(kindOfHandoff('db-snapshot', HANDOFF)).toEqual({
      kind: 'multi-az-cluster',
      instanceClass: 'db.m6gd.large',
    })
    expect(kindOfHandoff('db-snapshot', 'rds-refresh-42-1-snapshot-instance')).toEqual({
      kind: 'instance',
    })
    expect(kindOfHandoff('db-snapshot', 'my-own-snapshot')).toEqual({ kind: 'instance' })
    expect(kindOfHandoff('db-cluster-snapshot', 'anything')).toEqual({ kind: 'aurora-cluster' })
  })
})
