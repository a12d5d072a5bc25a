import { describe, expect, it } from '@jest/globals'
import {
  AURORA_CLUSTER,
  AURORA_DEFAULT_KEY_CLUSTER,
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  PARTNER_ACCOUNT,
  SOURCE_ACCOUNT,
  SOURCE_KEY_ARN,
  STAGING_CLUSTER_PARAMETER_GROUP,
  STAGING_SECURITY_GROUPS,
  STAGING_SUBNET_GROUP,
  auroraClusterArn,
} from '../fixtures/production.ts'
import { cluster, expectAwsError, harness } from './rds-harness.ts'
import type { Harness } from './rds-harness.ts'

const defaultKeyArn = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:${AURORA_DEFAULT_KEY_CLUSTER}`

function clone(h: Harness, account: string, input: Record<string, unknown>) {
  return h.call(account, 'RestoreDBClusterToPointInTime', {
    RestoreType: 'copy-on-write',
    UseLatestRestorableTime: true,
    ...input,
  })
}

describe('RestoreDBClusterToPointInTime: same-account clone', () => {
  it('creates an empty clone in the source clone group that becomes available after the clone duration', async () => {
    const h = harness()
    const out = await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'prod-clone',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
      Tags: [{ Key: 'rds-refresh:managed', Value: 'true' }],
    })
    const created = out.DBCluster as Record<string, unknown>
    expect(created).toMatchObject({
      DBClusterIdentifier: 'prod-clone',
      DBClusterArn: `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:prod-clone`,
      Status: 'creating',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      MasterUsername: 'postgres',
      StorageEncrypted: true,
      KmsKeyId: SOURCE_KEY_ARN,
      CrossAccountClone: false,
      DBClusterMembers: [],
      Port: 5432,
      EngineMode: 'provisioned',
      DBSubnetGroup: 'default',
      DeletionProtection: false,
      TagList: [{ Key: 'rds-refresh:managed', Value: 'true' }],
    })
    const source = await cluster(h, SOURCE_ACCOUNT, AURORA_CLUSTER)
    expect(created.CloneGroupId).toBe(source.CloneGroupId)
    expect(typeof source.CloneGroupId).toBe('string')
    expect(created.Endpoint).toMatch(
      /^prod-clone\.cluster-[0-9a-f]{12}\.us-east-1\.rds\.amazonaws\.com$/,
    )
    expect(created.ReaderEndpoint).toMatch(
      /^prod-clone\.cluster-ro-[0-9a-f]{12}\.us-east-1\.rds\.amazonaws\.com$/,
    )
    expect(String(created.Endpoint).split('.')[1]).toBe(String(source.Endpoint).split('.')[1])

    h.advance(269)
    expect((await cluster(h, SOURCE_ACCOUNT, 'prod-clone')).Status).toBe('creating')
    h.advance(1)
    expect((await cluster(h, SOURCE_ACCOUNT, 'prod-clone')).Status).toBe('backing-up')
    h.advance(30)
    expect((await cluster(h, SOURCE_ACCOUNT, 'prod-clone')).Status).toBe('available')
    expect(h.history('prod-clone')).toEqual([
      'created@0',
      'creating@0',
      'backing-up@270',
      'available@300',
    ])
  })

  it('keeps the master username but not the RDS-managed secret of the source', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'ModifyDBCluster', {
      DBClusterIdentifier: AURORA_CLUSTER,
      ManageMasterUserPassword: true,
      ApplyImmediately: true,
    })
    h.advance(60)
    const out = await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'c',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    expect((out.DBCluster as Record<string, unknown>).MasterUsername).toBe('postgres')
    expect((out.DBCluster as Record<string, unknown>).MasterUserSecret).toBeUndefined()
  })

  it('records transitions at their scheduled time even when observed much later', async () => {
    const h = harness()
    await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'late',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    h.advance(5000)
    await h.call(SOURCE_ACCOUNT, 'DescribeDBClusters', {})
    expect(h.history('late')).toEqual([
      'created@0',
      'creating@0',
      'backing-up@270',
      'available@300',
    ])
  })

  it('defaults to a full copy that takes the full-copy duration', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'RestoreDBClusterToPointInTime', {
      DBClusterIdentifier: 'pitr',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
      UseLatestRestorableTime: true,
    })
    h.advance(3600)
    await h.call(SOURCE_ACCOUNT, 'DescribeDBClusters', {})
    expect(h.history('pitr')).toEqual([
      'created@0',
      'creating@0',
      'backing-up@3240',
      'available@3600',
    ])
  })

  it('refuses RestoreToTime together with UseLatestRestorableTime, and neither', async () => {
    const h = harness()
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, {
        DBClusterIdentifier: 'x',
        SourceDBClusterIdentifier: AURORA_CLUSTER,
        RestoreToTime: new Date(),
      }),
      'InvalidParameterCombination',
      400,
      'Cannot specify both RestoreToTime and UseLatestRestorableTime.',
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBClusterToPointInTime', {
        DBClusterIdentifier: 'x',
        SourceDBClusterIdentifier: AURORA_CLUSTER,
      }),
      'InvalidParameterCombination',
      400,
    )
  })

  it.each(['EnablePerformanceInsights', 'MonitoringInterval', 'MonitoringRoleArn'])(
    'refuses %s with InvalidParameterCombination',
    async (member) => {
      const h = harness()
      const value =
        member === 'EnablePerformanceInsights'
          ? true
          : member === 'MonitoringInterval'
            ? 60
            : 'arn:aws:iam::111111111111:role/m'
      await expectAwsError(
        clone(h, SOURCE_ACCOUNT, {
          DBClusterIdentifier: 'x',
          SourceDBClusterIdentifier: AURORA_CLUSTER,
          [member]: value,
        }),
        'InvalidParameterCombination',
        400,
        new RegExp(`^${member} isn't supported`),
      )
    },
  )

  it('answers DBClusterNotFoundFault for an unknown source and DBClusterAlreadyExistsFault for a taken name', async () => {
    const h = harness()
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { DBClusterIdentifier: 'x', SourceDBClusterIdentifier: 'nope' }),
      'DBClusterNotFoundFault',
      404,
      'DBCluster nope not found.',
    )
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, {
        DBClusterIdentifier: 'prod-multiaz',
        SourceDBClusterIdentifier: AURORA_CLUSTER,
      }),
      'DBClusterAlreadyExistsFault',
      400,
      'DB Cluster already exists',
    )
  })

  it('requires an available source with at least one instance', async () => {
    const h = harness()
    await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'c1',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { DBClusterIdentifier: 'c2', SourceDBClusterIdentifier: 'c1' }),
      'InvalidDBClusterStateFault',
      400,
      'DBCluster c1 is not in available state.',
    )
    h.advance(300)
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { DBClusterIdentifier: 'c2', SourceDBClusterIdentifier: 'c1' }),
      'InvalidDBClusterStateFault',
      400,
      /doesn't have any DB instances/,
    )
  })

  it('validates placement in the caller account', async () => {
    const h = harness()
    const base = { DBClusterIdentifier: 'x', SourceDBClusterIdentifier: AURORA_CLUSTER }
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { ...base, DBSubnetGroupName: STAGING_SUBNET_GROUP }),
      'DBSubnetGroupNotFoundFault',
      404,
      "DB subnet group 'staging-db' does not exist.",
    )
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { ...base, VpcSecurityGroupIds: ['sg-0nothere0000000'] }),
      'InvalidParameterValue',
      400,
      'Invalid security group , groupId= sg-0nothere0000000, groupName=.',
    )
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { ...base, DBClusterParameterGroupName: 'missing-pg' }),
      'DBClusterParameterGroupNotFound',
      404,
      'DBClusterParameterGroup not found: missing-pg',
    )
  })

  it('validates ServerlessV2ScalingConfiguration', async () => {
    const h = harness()
    const base = { DBClusterIdentifier: 'x', SourceDBClusterIdentifier: AURORA_CLUSTER }
    const cases: [Record<string, number>, string, RegExp][] = [
      [{ MinCapacity: 0.3, MaxCapacity: 4 }, 'InvalidParameterValue', /MinCapacity 0.3/],
      [{ MinCapacity: 1, MaxCapacity: 300 }, 'InvalidParameterValue', /MaxCapacity 300/],
      [
        { MinCapacity: 8, MaxCapacity: 4 },
        'InvalidParameterCombination',
        /can't be greater than MaxCapacity 4/,
      ],
    ]
    for (const [config, code, message] of cases) {
      await expectAwsError(
        clone(h, SOURCE_ACCOUNT, { ...base, ServerlessV2ScalingConfiguration: config }),
        code,
        400,
        message,
      )
    }
    const out = await clone(h, SOURCE_ACCOUNT, {
      ...base,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2.5 },
    })
    expect((out.DBCluster as Record<string, unknown>).ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0,
      MaxCapacity: 2.5,
    })
  })

  it('falls back to a full copy after 15 live copy-on-write clones and says so on the timeline', async () => {
    const h = harness()
    for (let n = 1; n <= 15; n++) {
      await clone(h, SOURCE_ACCOUNT, {
        DBClusterIdentifier: `cow-${n}`,
        SourceDBClusterIdentifier: AURORA_CLUSTER,
      })
    }
    await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'cow-16',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    h.advance(300)
    expect((await cluster(h, SOURCE_ACCOUNT, 'cow-15')).Status).toBe('available')
    expect((await cluster(h, SOURCE_ACCOUNT, 'cow-16')).Status).toBe('creating')
    h.advance(3300)
    expect((await cluster(h, SOURCE_ACCOUNT, 'cow-16')).Status).toBe('available')
    expect(h.history('cow-16')).toEqual([
      'created@0',
      'creating@0',
      'full-copy@0',
      'backing-up@3240',
      'available@3600',
    ])
  })

  it('counts only live clones towards the copy-on-write limit', async () => {
    const h = harness()
    for (let n = 1; n <= 15; n++) {
      await clone(h, SOURCE_ACCOUNT, {
        DBClusterIdentifier: `cow-${n}`,
        SourceDBClusterIdentifier: AURORA_CLUSTER,
      })
    }
    h.advance(300)
    await h.call(SOURCE_ACCOUNT, 'DeleteDBCluster', {
      DBClusterIdentifier: 'cow-1',
      SkipFinalSnapshot: true,
    })
    h.advance(300)
    await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'cow-16',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    expect(h.history('cow-16')).not.toContain('full-copy@600')
  })

  it('refuses a clone beyond the account cluster quota', async () => {
    const h = harness({
      rds: {
        accounts: [
          {
            account: SOURCE_ACCOUNT,
            quotas: { clusters: 2 },
            clusters: [
              {
                identifier: 'a',
                engine: 'aurora-mysql',
                engineVersion: '8.0.mysql_aurora.3.05.2',
                masterUsername: 'admin',
                instances: [{ identifier: 'a-1', instanceClass: 'db.r6g.large' }],
              },
            ],
          },
        ],
      },
    })
    await clone(h, SOURCE_ACCOUNT, { DBClusterIdentifier: 'b', SourceDBClusterIdentifier: 'a' })
    await expectAwsError(
      clone(h, SOURCE_ACCOUNT, { DBClusterIdentifier: 'c', SourceDBClusterIdentifier: 'a' }),
      'DBClusterQuotaExceededFault',
      403,
      'Cannot create more than 2 DB clusters in this account.',
    )
  })

  it('applies scenario resource failures to the created cluster', async () => {
    const h = harness({
      resourceFailures: [
        { operation: 'RestoreDBClusterToPointInTime', identifier: 'bad', status: 'cloning-failed' },
      ],
    })
    await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'bad',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    await clone(h, SOURCE_ACCOUNT, {
      DBClusterIdentifier: 'good',
      SourceDBClusterIdentifier: AURORA_CLUSTER,
    })
    h.advance(300)
    expect((await cluster(h, SOURCE_ACCOUNT, 'bad')).Status).toBe('cloning-failed')
    expect((await cluster(h, SOURCE_ACCOUNT, 'good')).Status).toBe('available')
    expect(h.history('bad')).toEqual(['created@0', 'creating@0', 'cloning-failed@300'])
  })
})

describe('RestoreDBClusterToPointInTime: cross-account clone', () => {
  it('answers DBClusterNotFoundFault, as if it did not exist, until the cluster is shared through RAM', async () => {
    const h = harness()
    const input = { DBClusterIdentifier: 'stg', SourceDBClusterIdentifier: auroraClusterArn }
    await expectAwsError(
      clone(h, DESTINATION_ACCOUNT, input),
      'DBClusterNotFoundFault',
      404,
      `DBCluster ${auroraClusterArn} not found.`,
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBClusters', { DBClusterIdentifier: auroraClusterArn }),
      'DBClusterNotFoundFault',
      404,
    )
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    const shared = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusters', {
      DBClusterIdentifier: auroraClusterArn,
    })
    // AWS shows a cluster shared with the caller with few fields beyond its ARN.
    expect((shared.DBClusters as Record<string, unknown>[])[0]).toEqual({
      DBClusterArn: auroraClusterArn,
      StorageEncrypted: true,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
    })
    const out = await clone(h, DESTINATION_ACCOUNT, { ...input, KmsKeyId: DESTINATION_KEY_ARN })
    expect(out.DBCluster).toMatchObject({
      DBClusterArn: `arn:aws:rds:us-east-1:${DESTINATION_ACCOUNT}:cluster:stg`,
      CrossAccountClone: true,
      KmsKeyId: DESTINATION_KEY_ARN,
      DBClusterMembers: [],
    })
  })

  it('needs the full ARN: a plain identifier names a cluster of the caller', async () => {
    const h = harness()
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    await expectAwsError(
      clone(h, DESTINATION_ACCOUNT, {
        DBClusterIdentifier: 'stg',
        SourceDBClusterIdentifier: AURORA_CLUSTER,
      }),
      'DBClusterNotFoundFault',
      404,
    )
  })

  it('lists shared clusters with IncludeShared', async () => {
    const h = harness()
    const before = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusters', { IncludeShared: true })
    expect(before.DBClusters).toEqual([])
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    const after = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusters', { IncludeShared: true })
    expect((after.DBClusters as Record<string, unknown>[]).map((c) => c.DBClusterArn)).toEqual([
      auroraClusterArn,
    ])
    const own = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusters', {})
    expect(own.DBClusters).toEqual([])
  })

  it('reuses the source key when KmsKeyId is omitted and the key policy allows the caller', async () => {
    const h = harness()
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    const out = await clone(h, DESTINATION_ACCOUNT, {
      DBClusterIdentifier: 'stg',
      SourceDBClusterIdentifier: auroraClusterArn,
    })
    expect((out.DBCluster as Record<string, unknown>).KmsKeyId).toBe(SOURCE_KEY_ARN)
  })

  it('refuses a source encrypted with the AWS-managed aws/rds key', async () => {
    const h = harness()
    h.ram.share(defaultKeyArn, DESTINATION_ACCOUNT)
    await expectAwsError(
      clone(h, DESTINATION_ACCOUNT, {
        DBClusterIdentifier: 'stg',
        SourceDBClusterIdentifier: defaultKeyArn,
        KmsKeyId: DESTINATION_KEY_ARN,
      }),
      'KMSKeyNotAccessibleFault',
      400,
      /default AWS managed KMS key \(aws\/rds\)/,
    )
  })

  it('refuses when the caller cannot use the source key or the given key', async () => {
    const h = harness()
    h.kms.keys.splice(
      0,
      h.kms.keys.length,
      ...h.kms.keys.map((k) => (k.arn === SOURCE_KEY_ARN ? { ...k, allow: [] } : k)),
    )
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    await expectAwsError(
      clone(h, DESTINATION_ACCOUNT, {
        DBClusterIdentifier: 'stg',
        SourceDBClusterIdentifier: auroraClusterArn,
      }),
      'KMSKeyNotAccessibleFault',
      400,
      `The source KMS key [${SOURCE_KEY_ARN}] is not accessible to account ${DESTINATION_ACCOUNT}.`,
    )
    const h2 = harness()
    h2.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    const partnerKey = 'arn:aws:kms:us-east-1:333333333333:key/33333333-3333-4333-8333-333333333333'
    await expectAwsError(
      clone(h2, DESTINATION_ACCOUNT, {
        DBClusterIdentifier: 'stg',
        SourceDBClusterIdentifier: auroraClusterArn,
        KmsKeyId: partnerKey,
      }),
      'KMSKeyNotAccessibleFault',
      400,
      `The specified KMS key [${partnerKey}] does not exist, is not enabled or you do not have permissions to access it.`,
    )
  })

  it('allows one cross-account clone per destination account', async () => {
    const h = harness()
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    h.ram.share(auroraClusterArn, PARTNER_ACCOUNT)
    await clone(h, DESTINATION_ACCOUNT, {
      DBClusterIdentifier: 'stg-1',
      SourceDBClusterIdentifier: auroraClusterArn,
    })
    await expectAwsError(
      clone(h, DESTINATION_ACCOUNT, {
        DBClusterIdentifier: 'stg-2',
        SourceDBClusterIdentifier: auroraClusterArn,
      }),
      'InvalidParameterCombination',
      400,
      /already has a cross-account clone \(stg-1\).*Only one cross-account clone per account is allowed; delete it first\.$/,
    )
    await clone(h, PARTNER_ACCOUNT, {
      DBClusterIdentifier: 'partner-1',
      SourceDBClusterIdentifier: auroraClusterArn,
    })
  })

  it('places the clone with the caller placement groups', async () => {
    const h = harness()
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    const out = await clone(h, DESTINATION_ACCOUNT, {
      DBClusterIdentifier: 'stg',
      SourceDBClusterIdentifier: auroraClusterArn,
      DBSubnetGroupName: STAGING_SUBNET_GROUP,
      VpcSecurityGroupIds: [...STAGING_SECURITY_GROUPS],
      DBClusterParameterGroupName: STAGING_CLUSTER_PARAMETER_GROUP,
      DeletionProtection: true,
    })
    expect(out.DBCluster).toMatchObject({
      DBSubnetGroup: STAGING_SUBNET_GROUP,
      VpcSecurityGroups: STAGING_SECURITY_GROUPS.map((id) => ({
        VpcSecurityGroupId: id,
        Status: 'active',
      })),
      DBClusterParameterGroup: STAGING_CLUSTER_PARAMETER_GROUP,
      DeletionProtection: true,
    })
  })

  it('refuses a full copy across accounts', async () => {
    const h = harness()
    h.ram.share(auroraClusterArn, DESTINATION_ACCOUNT)
    await expectAwsError(
      clone(h, DESTINATION_ACCOUNT, {
        DBClusterIdentifier: 'stg',
        SourceDBClusterIdentifier: auroraClusterArn,
        RestoreType: 'full-copy',
      }),
      'InvalidParameterCombination',
      400,
    )
  })
})
