import { describe, expect, it } from '@jest/globals'
import {
  AURORA_CLUSTER,
  AURORA_DEFAULT_KEY_CLUSTER,
  DESTINATION_ACCOUNT,
  MULTI_AZ_CLUSTER,
  SOURCE_ACCOUNT,
  auroraClusterArn,
} from '../fixtures/production.ts'
import { cluster, expectAwsError, harness, instance } from './rds-harness.ts'

const modify = (h: ReturnType<typeof harness>, input: Record<string, unknown>) =>
  h.call(SOURCE_ACCOUNT, 'ModifyDBCluster', { DBClusterIdentifier: AURORA_CLUSTER, ...input })

describe('ModifyDBCluster: master password', () => {
  it.each([
    ['short12', /because it is shorter than 8 characters\.$/],
    ['x'.repeat(42), /because it is longer than 41 characters\.$/],
    ['has space1', /Only printable ASCII characters besides '\/', '@', '"', ' ' may be used\.$/],
    ['slash/1234', /Only printable ASCII/],
    ['quote"1234', /Only printable ASCII/],
    ['at@1234567', /Only printable ASCII/],
    ['nonascié1234', /Only printable ASCII/],
  ])('refuses %j with InvalidParameterValue', async (password, message) => {
    const h = harness()
    await expectAwsError(
      modify(h, { MasterUserPassword: password }),
      'InvalidParameterValue',
      400,
      message,
    )
  })

  it('resets the password through resetting-master-credentials and never keeps it readable', async () => {
    const h = harness()
    const out = await modify(h, { MasterUserPassword: 'Valid-Pass_123', ApplyImmediately: true })
    expect((out.DBCluster as Record<string, unknown>).Status).toBe('resetting-master-credentials')
    h.advance(60)
    expect((await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)).Status).toBe('available')
    expect(JSON.stringify(h.rds.inventory(SOURCE_ACCOUNT))).not.toContain('Valid-Pass_123')
    expect(JSON.stringify(h.events)).not.toContain('Valid-Pass_123')
    expect(h.history(AURORA_CLUSTER, 'db-cluster')).toEqual([
      'created@0',
      'available@0',
      'resetting-master-credentials@0',
      'available@60',
    ])
  })

  it('refuses MasterUserPassword together with ManageMasterUserPassword', async () => {
    const h = harness()
    await expectAwsError(
      modify(h, { MasterUserPassword: 'Valid-Pass_123', ManageMasterUserPassword: true }),
      'InvalidParameterCombination',
      400,
      'You cannot specify both MasterUserPassword and ManageMasterUserPassword.',
    )
  })

  it('creates an RDS-managed secret: creating, then active', async () => {
    const h = harness()
    const out = await modify(h, { ManageMasterUserPassword: true, ApplyImmediately: true })
    const secret = (out.DBCluster as Record<string, Record<string, string>>).MasterUserSecret
    expect(secret?.SecretArn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!cluster-[0-9a-f-]{36}-[0-9a-f]{6}$/,
    )
    expect(secret?.SecretStatus).toBe('creating')
    expect(secret?.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:111111111111:key\//)
    h.advance(60)
    const after = await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)
    expect(after.MasterUserSecret).toEqual({ ...secret, SecretStatus: 'active' })
    await expectAwsError(
      modify(h, { MasterUserPassword: 'Valid-Pass_123' }),
      'InvalidParameterCombination',
      400,
    )
  })

  it('refuses changes while the cluster is not available', async () => {
    const h = harness()
    await modify(h, { MasterUserPassword: 'Valid-Pass_123' })
    await expectAwsError(
      modify(h, { DeletionProtection: true }),
      'InvalidDBClusterStateFault',
      400,
      `DBCluster ${AURORA_CLUSTER} is not in available state (status: resetting-master-credentials).`,
    )
  })
})

describe('ModifyDBCluster: rename', () => {
  it('renames: renaming, then the new name answers with new endpoints and the old one is gone', async () => {
    const h = harness()
    const before = await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)
    const out = await modify(h, {
      NewDBClusterIdentifier: 'prod-aurora-old',
      ApplyImmediately: true,
    })
    expect(out.DBCluster).toMatchObject({ DBClusterIdentifier: AURORA_CLUSTER, Status: 'renaming' })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBClusterToPointInTime', {
        DBClusterIdentifier: 'prod-aurora-old',
        SourceDBClusterIdentifier: AURORA_DEFAULT_KEY_CLUSTER,
        UseLatestRestorableTime: true,
      }),
      'DBClusterAlreadyExistsFault',
      400,
    )
    h.advance(30)
    // The name left still answers, for a while, with the cluster as it was (same resource id).
    expect(await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)).toMatchObject({
      DBClusterIdentifier: AURORA_CLUSTER,
      Status: 'available',
      DbClusterResourceId: before.DbClusterResourceId,
    })
    const renamed = await cluster(h, SOURCE_ACCOUNT, 'prod-aurora-old')
    expect(renamed.DbClusterResourceId).toBe(before.DbClusterResourceId)
    expect(renamed.Status).toBe('renaming')
    expect(renamed.Endpoint).toBe(
      String(before.Endpoint).replace(AURORA_CLUSTER, 'prod-aurora-old'),
    )
    expect(renamed.DBClusterArn).toBe(auroraClusterArn.replace(AURORA_CLUSTER, 'prod-aurora-old'))
    expect(
      (await instance(h, SOURCE_ACCOUNT, `${AURORA_CLUSTER}-writer`)).DBClusterIdentifier,
    ).toBe('prod-aurora-old')
    h.advance(30)
    expect((await cluster(h, SOURCE_ACCOUNT, 'prod-aurora-old')).Status).toBe('available')
    expect(h.history(AURORA_CLUSTER, 'db-cluster').slice(2)).toEqual(['renaming@0'])
    expect(h.history('prod-aurora-old', 'db-cluster')).toEqual(['renaming@30', 'available@60'])
    h.advance(150)
    await expectAwsError(
      cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER),
      'DBClusterNotFoundFault',
      404,
      `DBCluster ${AURORA_CLUSTER} not found.`,
    )
  })

  it('a cluster renamed into a name just left answers there only once the stale answer expires', async () => {
    const h = harness()
    const old = await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)
    await modify(h, { NewDBClusterIdentifier: 'prod-aurora-old', ApplyImmediately: true })
    h.advance(60)
    await h.call(SOURCE_ACCOUNT, 'ModifyDBCluster', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      NewDBClusterIdentifier: AURORA_CLUSTER,
      ApplyImmediately: true,
    })
    h.advance(60)
    // Moved in and available, yet the name still shows the cluster that left it.
    expect(await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)).toMatchObject({
      DbClusterResourceId: old.DbClusterResourceId,
      Status: 'available',
    })
    h.advance(90)
    const now = await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)
    expect(now.DbClusterResourceId).not.toBe(old.DbClusterResourceId)
    expect(now.Engine).toBe('postgres')
    // Renaming the first cluster back ends its stale answer: the name shows the live truth.
    await h.call(SOURCE_ACCOUNT, 'ModifyDBCluster', {
      DBClusterIdentifier: 'prod-aurora-old',
      NewDBClusterIdentifier: 'prod-aurora-back',
      ApplyImmediately: true,
    })
    expect((await cluster(h, SOURCE_ACCOUNT, 'prod-aurora-old')).Status).toBe('renaming')
  })

  it('refuses a taken name and a cluster shared through RAM', async () => {
    const h = harness()
    await expectAwsError(
      modify(h, { NewDBClusterIdentifier: MULTI_AZ_CLUSTER, ApplyImmediately: true }),
      'DBClusterAlreadyExistsFault',
      400,
    )
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    await expectAwsError(
      modify(h, { NewDBClusterIdentifier: 'other', ApplyImmediately: true }),
      'InvalidDBClusterStateFault',
      400,
      `DB cluster ${AURORA_CLUSTER} is shared with other AWS accounts and can't be renamed.`,
    )
  })

  it('keeps the rename pending without ApplyImmediately', async () => {
    const h = harness()
    const out = await modify(h, { NewDBClusterIdentifier: 'later' })
    expect(out.DBCluster).toMatchObject({
      DBClusterIdentifier: AURORA_CLUSTER,
      Status: 'available',
      PendingModifiedValues: { DBClusterIdentifier: 'later' },
    })
  })
})

describe('DeleteDBCluster', () => {
  it('refuses a protected cluster with the AWS message', async () => {
    const h = harness()
    await modify(h, { DeletionProtection: true })
    expect((await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)).DeletionProtection).toBe(true)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
        DBClusterIdentifier: AURORA_CLUSTER,
        SkipFinalSnapshot: true,
      }),
      'InvalidParameterCombination',
      400,
      'Cannot delete protected Cluster, please disable deletion protection and try again.',
    )
  })

  it('checks the final snapshot members', async () => {
    const h = harness()
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', { DBClusterIdentifier: AURORA_CLUSTER }),
      'InvalidParameterCombination',
      400,
      'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
        DBClusterIdentifier: AURORA_CLUSTER,
        SkipFinalSnapshot: true,
        FinalDBSnapshotIdentifier: 'f',
      }),
      'InvalidParameterCombination',
      400,
    )
  })

  it('refuses an Aurora cluster whose instances are not all deleting, then deletes it', async () => {
    const h = harness()
    const del = () =>
      h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
        DBClusterIdentifier: AURORA_CLUSTER,
        SkipFinalSnapshot: true,
      })
    await expectAwsError(
      del(),
      'InvalidDBClusterStateFault',
      400,
      'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
    )
    await h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', {
      DBInstanceIdentifier: `${AURORA_CLUSTER}-reader-1`,
    })
    await expectAwsError(del(), 'InvalidDBClusterStateFault', 400)
    h.advance(10)
    await h.call(SOURCE_ACCOUNT, 'DeleteDBInstance', {
      DBInstanceIdentifier: `${AURORA_CLUSTER}-writer`,
    })
    const out = await del()
    expect((out.DBCluster as Record<string, unknown>).Status).toBe('deleting')
    h.advance(300)
    await expectAwsError(cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER), 'DBClusterNotFoundFault', 404)
    expect(h.history(AURORA_CLUSTER, 'db-cluster')).toEqual([
      'created@0',
      'available@0',
      'deleting@10',
      'deleted@310',
    ])
    expect(h.history(`${AURORA_CLUSTER}-reader-1`)).toEqual([
      'created@0',
      'available@0',
      'deleting@0',
      'deleted@300',
    ])
  })

  it('refuses a stopped cluster', async () => {
    const h = harness({
      rds: {
        accounts: [
          {
            account: SOURCE_ACCOUNT,
            clusters: [
              {
                identifier: 'sleepy',
                engine: 'aurora-postgresql',
                engineVersion: '16.4',
                masterUsername: 'p',
                status: 'stopped',
              },
            ],
          },
        ],
      },
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
        DBClusterIdentifier: 'sleepy',
        SkipFinalSnapshot: true,
      }),
      'InvalidDBClusterStateFault',
      400,
      "DB cluster sleepy is stopped and can't be deleted. Start the DB cluster first.",
    )
  })

  it('deletes a Multi-AZ DB cluster together with its members', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      SkipFinalSnapshot: true,
    })
    expect(
      (await instance(h, SOURCE_ACCOUNT, `${MULTI_AZ_CLUSTER}-instance-1`)).DBInstanceStatus,
    ).toBe('deleting')
    h.advance(300)
    const left = await h.call(SOURCE_ACCOUNT, 'DescribeDBInstances', {
      Filters: [{ Name: 'db-cluster-id', Values: [MULTI_AZ_CLUSTER] }],
    })
    expect(left.DBInstances).toEqual([])
  })

  it('takes a final cluster snapshot when asked', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      FinalDBSnapshotIdentifier: 'final-maz',
    })
    const snap = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusterSnapshots', {
      DBClusterSnapshotIdentifier: 'final-maz',
    })
    expect((snap.DBClusterSnapshots as Record<string, unknown>[])[0]).toMatchObject({
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      Status: 'creating',
      SnapshotType: 'manual',
    })
  })
})

describe('DescribeDBClusters', () => {
  it('filters by engine, id and clone group, and pages with Marker', async () => {
    const h = harness()
    const byEngine = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusters', {
      Filters: [{ Name: 'engine', Values: ['postgres'] }],
    })
    expect(
      (byEngine.DBClusters as Record<string, unknown>[]).map((c) => c.DBClusterIdentifier),
    ).toEqual([MULTI_AZ_CLUSTER])
    for (let n = 0; n < 21; n++) {
      await h.call(SOURCE_ACCOUNT, 'RestoreDBClusterToPointInTime', {
        DBClusterIdentifier: `c${n}`,
        SourceDBClusterIdentifier: AURORA_CLUSTER,
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
      })
    }
    const group = (await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)).CloneGroupId
    const first = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusters', {
      Filters: [{ Name: 'clone-group-id', Values: [group] }],
      MaxRecords: 20,
    })
    expect((first.DBClusters as unknown[]).length).toBe(20)
    expect(first.Marker).toBeDefined()
    const second = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusters', {
      Filters: [{ Name: 'clone-group-id', Values: [group] }],
      MaxRecords: 20,
      Marker: first.Marker,
    })
    expect((second.DBClusters as unknown[]).length).toBe(2)
    expect(second.Marker).toBeUndefined()
    const byId = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusters', {
      Filters: [{ Name: 'db-cluster-id', Values: [auroraClusterArn] }],
    })
    expect((byId.DBClusters as unknown[]).length).toBe(1)
  })

  it('shows the Multi-AZ DB cluster fields', async () => {
    const h = harness()
    expect(await cluster(h, SOURCE_ACCOUNT, MULTI_AZ_CLUSTER)).toMatchObject({
      Engine: 'postgres',
      DBClusterInstanceClass: 'db.m6gd.large',
      StorageType: 'io1',
      Iops: 1000,
      AllocatedStorage: 100,
      MultiAZ: true,
      DBClusterMembers: [
        expect.objectContaining({
          DBInstanceIdentifier: `${MULTI_AZ_CLUSTER}-instance-1`,
          IsClusterWriter: true,
        }),
        expect.objectContaining({ IsClusterWriter: false }),
        expect.objectContaining({ IsClusterWriter: false }),
      ],
    })
  })
})
