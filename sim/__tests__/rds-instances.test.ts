import { describe, expect, it } from '@jest/globals'
import {
  AURORA_CLUSTER,
  INSTANCE,
  MULTI_AZ_CLUSTER,
  SOURCE_ACCOUNT,
  SOURCE_KEY_ARN,
} from '../fixtures/production.ts'
import { cluster, expectAwsError, harness, instance } from './rds-harness.ts'
import type { Harness } from './rds-harness.ts'

async function availableClone(h: Harness, id = 'clone'): Promise<void> {
  await h.call(SOURCE_ACCOUNT, 'RestoreDBClusterToPointInTime', {
    DBClusterIdentifier: id,
    SourceDBClusterIdentifier: AURORA_CLUSTER,
    RestoreType: 'copy-on-write',
    UseLatestRestorableTime: true,
  })
  h.advance(300)
}

function add(h: Harness, input: Record<string, unknown>) {
  return h.call(SOURCE_ACCOUNT, 'CreateDBInstance', {
    DBInstanceClass: 'db.r6g.large',
    Engine: 'aurora-postgresql',
    DBClusterIdentifier: 'clone',
    ...input,
  })
}

describe('CreateDBInstance in an Aurora cluster', () => {
  it('creates the writer first, without an endpoint while creating, then backing-up and available', async () => {
    const h = harness()
    await availableClone(h)
    const out = await add(h, { DBInstanceIdentifier: 'clone-1', Tags: [{ Key: 'a', Value: 'b' }] })
    const created = out.DBInstance as Record<string, unknown>
    expect(created).toMatchObject({
      DBInstanceIdentifier: 'clone-1',
      DBInstanceArn: `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:db:clone-1`,
      DBInstanceStatus: 'creating',
      DBClusterIdentifier: 'clone',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      StorageEncrypted: true,
      KmsKeyId: SOURCE_KEY_ARN,
      MasterUsername: 'postgres',
      DBParameterGroups: [
        { DBParameterGroupName: 'default.aurora-postgresql16', ParameterApplyStatus: 'in-sync' },
      ],
      TagList: [{ Key: 'a', Value: 'b' }],
      PromotionTier: 1,
    })
    expect(created.Endpoint).toBeUndefined()
    await add(h, { DBInstanceIdentifier: 'clone-2', PromotionTier: 2 })
    const members = (await cluster(h, SOURCE_ACCOUNT, 'clone')).DBClusterMembers
    expect(members).toEqual([
      {
        DBInstanceIdentifier: 'clone-1',
        IsClusterWriter: true,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      },
      {
        DBInstanceIdentifier: 'clone-2',
        IsClusterWriter: false,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 2,
      },
    ])
    h.advance(600)
    const ready = await instance(h, SOURCE_ACCOUNT, 'clone-1')
    expect(ready.DBInstanceStatus).toBe('available')
    expect(ready.Endpoint).toEqual({
      Address: expect.stringMatching(/^clone-1\.[0-9a-f]{12}\.us-east-1\.rds\.amazonaws\.com$/),
      Port: 5432,
      HostedZoneId: 'Z2R2ITUGPM61AM',
    })
    expect(h.history('clone-1')).toEqual([
      'created@300',
      'creating@300',
      'backing-up@840',
      'available@900',
    ])
  })

  it('needs the cluster to exist and be available, with the same engine', async () => {
    const h = harness()
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'i' }),
      'DBClusterNotFoundFault',
      404,
      'DBCluster clone not found.',
    )
    await h.call(SOURCE_ACCOUNT, 'RestoreDBClusterToPointInTime', {
      DBClusterIdentifier: 'clone',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
    })
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'i' }),
      'InvalidDBClusterStateFault',
      400,
      'DB cluster clone is not in available state (status: creating).',
    )
    h.advance(300)
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'i', Engine: 'aurora-mysql' }),
      'InvalidParameterCombination',
      400,
      "The engine name requested for your DB instance (aurora-mysql) doesn't match the engine name of your DB cluster (aurora-postgresql).",
    )
  })

  it('refuses db.serverless until the cluster has a Serverless v2 scaling configuration', async () => {
    const h = harness()
    await availableClone(h)
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'sls', DBInstanceClass: 'db.serverless' }),
      'InvalidParameterCombination',
      400,
      /ServerlessV2ScalingConfiguration/,
    )
    await h.call(SOURCE_ACCOUNT, 'ModifyDBCluster', {
      DBClusterIdentifier: 'clone',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
      ApplyImmediately: true,
    })
    expect((await cluster(h, SOURCE_ACCOUNT, 'clone')).Status).toBe('available')
    const out = await add(h, { DBInstanceIdentifier: 'sls', DBInstanceClass: 'db.serverless' })
    expect((out.DBInstance as Record<string, unknown>).DBInstanceClass).toBe('db.serverless')
  })

  it('refuses a taken identifier, an unknown parameter group and instances beyond the quota', async () => {
    const h = harness({
      rds: {
        accounts: [
          {
            account: SOURCE_ACCOUNT,
            quotas: { instances: 2 },
            clusters: [
              {
                identifier: 'clone',
                engine: 'aurora-postgresql',
                engineVersion: '16.4',
                masterUsername: 'postgres',
                instances: [{ identifier: 'clone-1', instanceClass: 'db.r6g.large' }],
              },
            ],
          },
        ],
      },
    })
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'clone-1' }),
      'DBInstanceAlreadyExists',
      400,
      'DB instance already exists',
    )
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'x', DBParameterGroupName: 'nope' }),
      'DBParameterGroupNotFound',
      404,
      'DBParameterGroup not found: nope',
    )
    await add(h, { DBInstanceIdentifier: 'clone-2' })
    await expectAwsError(
      add(h, { DBInstanceIdentifier: 'clone-3' }),
      'InstanceQuotaExceeded',
      400,
      'Cannot create more than 2 DB instances.',
    )
  })

  it('refuses adding instances to a Multi-AZ DB cluster', async () => {
    const h = harness()
    await expectAwsError(
      add(h, {
        DBInstanceIdentifier: 'x',
        Engine: 'postgres',
        DBClusterIdentifier: MULTI_AZ_CLUSTER,
      }),
      'InvalidParameterCombination',
      400,
    )
  })

  it('ends in the scenario failure status', async () => {
    const h = harness({
      resourceFailures: [{ operation: 'CreateDBInstance', status: 'insufficient-capacity' }],
    })
    await availableClone(h)
    await add(h, { DBInstanceIdentifier: 'clone-1' })
    h.advance(600)
    expect((await instance(h, SOURCE_ACCOUNT, 'clone-1')).DBInstanceStatus).toBe(
      'insufficient-capacity',
    )
  })
})

describe('ModifyDBInstance', () => {
  it('refuses MasterUserPassword and ManageMasterUserPassword on Aurora instances', async () => {
    const h = harness()
    for (const input of [
      { MasterUserPassword: 'Secret123!' },
      { ManageMasterUserPassword: true },
    ]) {
      await expectAwsError(
        h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
          DBInstanceIdentifier: `${AURORA_CLUSTER}-writer`,
          ...input,
        }),
        'InvalidParameterCombination',
        400,
        /use ModifyDBCluster/,
      )
    }
  })

  it('renames with ApplyImmediately: renaming, then the new name answers, then available', async () => {
    const h = harness()
    const out = await h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      NewDBInstanceIdentifier: 'prod-pg-old',
      ApplyImmediately: true,
    })
    expect(out.DBInstance).toMatchObject({
      DBInstanceIdentifier: INSTANCE,
      DBInstanceStatus: 'renaming',
    })
    const resourceId = (out.DBInstance as { DbiResourceId: string }).DbiResourceId
    expect(resourceId).toMatch(/^db-[A-Z0-9]{26}$/)
    h.advance(60)
    // The old name still answers for a while with the instance as it was.
    expect(await instance(h, SOURCE_ACCOUNT, INSTANCE)).toMatchObject({
      DBInstanceIdentifier: INSTANCE,
      DBInstanceStatus: 'available',
      DbiResourceId: resourceId,
    })
    expect((await instance(h, SOURCE_ACCOUNT, 'prod-pg-old')).DBInstanceStatus).toBe('renaming')
    h.advance(60)
    const renamed = await instance(h, SOURCE_ACCOUNT, 'prod-pg-old')
    expect(renamed.DBInstanceStatus).toBe('available')
    expect(renamed.DbiResourceId).toBe(resourceId)
    expect((renamed.Endpoint as { Address: string }).Address).toMatch(/^prod-pg-old\./)
    expect(h.history('prod-pg-old')).toEqual(['renaming@60', 'available@120'])
    h.advance(120)
    await expectAwsError(
      instance(h, SOURCE_ACCOUNT, INSTANCE),
      'DBInstanceNotFound',
      404,
      `DBInstance ${INSTANCE} not found.`,
    )
  })

  it('keeps a rename or class change pending without ApplyImmediately', async () => {
    const h = harness()
    const out = await h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      NewDBInstanceIdentifier: 'later',
      DBInstanceClass: 'db.t4g.large',
    })
    expect(out.DBInstance).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: 'db.t4g.medium',
      PendingModifiedValues: { DBInstanceIdentifier: 'later', DBInstanceClass: 'db.t4g.large' },
    })
  })

  it('changes the class with ApplyImmediately after modifying', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      DBInstanceClass: 'db.t4g.large',
      ApplyImmediately: true,
    })
    expect(await instance(h, SOURCE_ACCOUNT, INSTANCE)).toMatchObject({
      DBInstanceStatus: 'modifying',
      DBInstanceClass: 'db.t4g.medium',
    })
    h.advance(120)
    expect(await instance(h, SOURCE_ACCOUNT, INSTANCE)).toMatchObject({
      DBInstanceStatus: 'available',
      DBInstanceClass: 'db.t4g.large',
    })
  })

  it('sets a standalone password asynchronously and never shows it', async () => {
    const h = harness()
    const out = await h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      MasterUserPassword: 'N3w-Passw0rd',
    })
    expect(out.DBInstance).toMatchObject({
      DBInstanceStatus: 'resetting-master-credentials',
      PendingModifiedValues: { MasterUserPassword: '****' },
    })
    h.advance(120)
    const inv = JSON.stringify(h.rds.inventory(SOURCE_ACCOUNT))
    expect(inv).not.toContain('N3w-Passw0rd')
    expect((await instance(h, SOURCE_ACCOUNT, INSTANCE)).PendingModifiedValues).toEqual({})
  })

  it('creates a managed secret for a standalone instance', async () => {
    const h = harness()
    const out = await h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      ManageMasterUserPassword: true,
      ApplyImmediately: true,
    })
    const secret = (out.DBInstance as Record<string, { SecretArn: string; SecretStatus: string }>)
      .MasterUserSecret
    expect(secret?.SecretArn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!db-[0-9a-f-]{36}-[0-9a-f]{6}$/,
    )
    expect(secret?.SecretStatus).toBe('creating')
    h.advance(120)
    expect((await instance(h, SOURCE_ACCOUNT, INSTANCE)).MasterUserSecret).toMatchObject({
      SecretStatus: 'active',
    })
  })
})

describe('DeleteDBInstance', () => {
  it('refuses a protected instance', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'ModifyDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      DeletionProtection: true,
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', {
        DBInstanceIdentifier: INSTANCE,
        SkipFinalSnapshot: true,
      }),
      'InvalidParameterCombination',
      400,
      'Cannot delete protected DB Instance, please disable deletion protection and try again.',
    )
  })

  it('asks for a final snapshot of a standalone instance unless skipped', async () => {
    const h = harness()
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', { DBInstanceIdentifier: INSTANCE }),
      'InvalidParameterCombination',
      400,
      'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    )
    await h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', {
      DBInstanceIdentifier: INSTANCE,
      FinalDBSnapshotIdentifier: 'final',
    })
    h.advance(300)
    await expectAwsError(instance(h, SOURCE_ACCOUNT, INSTANCE), 'DBInstanceNotFound', 404)
    const snaps = await h.call(SOURCE_ACCOUNT, 'DescribeDBSnapshots', {
      DBSnapshotIdentifier: 'final',
    })
    expect((snaps.DBSnapshots as Record<string, unknown>[])[0]).toMatchObject({
      Status: 'available',
      DBInstanceIdentifier: INSTANCE,
    })
    expect(h.history(INSTANCE, 'db-instance')).toEqual([
      'created@0',
      'available@0',
      'deleting@0',
      'deleted@300',
    ])
  })

  it('fails over to a reader when the writer of an Aurora cluster is deleted', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', {
      DBInstanceIdentifier: `${AURORA_CLUSTER}-writer`,
    })
    const members = (await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)).DBClusterMembers as Record<
      string,
      unknown
    >[]
    expect(members.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter])).toEqual([
      [`${AURORA_CLUSTER}-writer`, false],
      [`${AURORA_CLUSTER}-reader-1`, true],
    ])
  })

  it('refuses deleting a Multi-AZ DB cluster member', async () => {
    const h = harness()
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', {
        DBInstanceIdentifier: `${MULTI_AZ_CLUSTER}-instance-2`,
        SkipFinalSnapshot: true,
      }),
      'InvalidParameterCombination',
      400,
    )
  })
})
