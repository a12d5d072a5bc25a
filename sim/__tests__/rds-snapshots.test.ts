import { describe, expect, it } from '@jest/globals'
import {
  AURORA_CLUSTER,
  AURORA_DEFAULT_KEY_CLUSTER,
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  INSTANCE,
  MULTI_AZ_CLUSTER,
  SOURCE_ACCOUNT,
  SOURCE_KEY_ARN,
} from '../fixtures/production.ts'
import { expectAwsError, harness } from './rds-harness.ts'
import type { Harness } from './rds-harness.ts'

const clusterSnapshotArn = (account: string, id: string) =>
  `arn:aws:rds:us-east-1:${account}:cluster-snapshot:${id}`
const snapshotArn = (account: string, id: string) =>
  `arn:aws:rds:us-east-1:${account}:snapshot:${id}`

async function clusterSnapshot(
  h: Harness,
  account: string,
  id: string,
): Promise<Record<string, unknown>> {
  const out = await h.call(account, 'DescribeDBClusterSnapshots', {
    DBClusterSnapshotIdentifier: id,
  })
  return (out.DBClusterSnapshots as Record<string, unknown>[])[0] as Record<string, unknown>
}

async function dbSnapshot(
  h: Harness,
  account: string,
  id: string,
): Promise<Record<string, unknown>> {
  const out = await h.call(account, 'DescribeDBSnapshots', { DBSnapshotIdentifier: id })
  return (out.DBSnapshots as Record<string, unknown>[])[0] as Record<string, unknown>
}

/** A shared, available snapshot of prod-aurora. */
async function sharedAuroraSnapshot(h: Harness, id = 'aurora-snap'): Promise<string> {
  await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
    DBClusterIdentifier: AURORA_CLUSTER,
    DBClusterSnapshotIdentifier: id,
  })
  h.advance(300)
  await h.call(SOURCE_ACCOUNT, 'ModifyDBClusterSnapshotAttribute', {
    DBClusterSnapshotIdentifier: id,
    AttributeName: 'restore',
    ValuesToAdd: [DESTINATION_ACCOUNT],
  })
  return clusterSnapshotArn(SOURCE_ACCOUNT, id)
}

/** A shared, available DB snapshot of prod-pg. */
async function sharedDbSnapshot(h: Harness, id = 'pg-snap'): Promise<string> {
  await h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
    DBInstanceIdentifier: INSTANCE,
    DBSnapshotIdentifier: id,
  })
  h.advance(300)
  await h.call(SOURCE_ACCOUNT, 'ModifyDBSnapshotAttribute', {
    DBSnapshotIdentifier: id,
    AttributeName: 'restore',
    ValuesToAdd: [DESTINATION_ACCOUNT],
  })
  return snapshotArn(SOURCE_ACCOUNT, id)
}

describe('CreateDBClusterSnapshot', () => {
  it('records the cluster, moves PercentProgress and becomes available', async () => {
    const h = harness()
    const out = await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      DBClusterSnapshotIdentifier: 'maz-snap',
      Tags: [{ Key: 'k', Value: 'v' }],
    })
    expect(out.DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotIdentifier: 'maz-snap',
      DBClusterSnapshotArn: clusterSnapshotArn(SOURCE_ACCOUNT, 'maz-snap'),
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      Status: 'creating',
      PercentProgress: 0,
      SnapshotType: 'manual',
      Engine: 'postgres',
      EngineVersion: '16.4',
      AllocatedStorage: 100,
      StorageType: 'io1',
      StorageEncrypted: true,
      KmsKeyId: SOURCE_KEY_ARN,
      Port: 5432,
      MasterUsername: 'postgres',
      TagList: [{ Key: 'k', Value: 'v' }],
    })
    h.advance(150)
    expect((await clusterSnapshot(h, SOURCE_ACCOUNT, 'maz-snap')).PercentProgress).toBe(50)
    h.advance(150)
    expect(await clusterSnapshot(h, SOURCE_ACCOUNT, 'maz-snap')).toMatchObject({
      Status: 'available',
      PercentProgress: 100,
    })
    expect(h.history('maz-snap')).toEqual(['created@0', 'creating@0', 'available@300'])
  })

  it('refuses a taken name, a cluster that is not available and each manual snapshot quota', async () => {
    const h = harness({
      rds: {
        accounts: [
          {
            account: SOURCE_ACCOUNT,
            quotas: { manualSnapshots: 1, manualClusterSnapshots: 1 },
            clusters: [
              {
                identifier: 'a',
                engine: 'aurora-postgresql',
                engineVersion: '16.4',
                masterUsername: 'p',
                instances: [{ identifier: 'a1', instanceClass: 'db.r6g.large' }],
              },
            ],
            instances: [
              {
                identifier: 'i',
                engine: 'postgres',
                engineVersion: '16.4',
                instanceClass: 'db.t4g.small',
                masterUsername: 'p',
                allocatedStorage: 20,
                storageType: 'gp3',
              },
            ],
          },
        ],
      },
    })
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: 'a',
      DBClusterSnapshotIdentifier: 's1',
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
        DBClusterIdentifier: 'a',
        DBClusterSnapshotIdentifier: 's1',
      }),
      'DBClusterSnapshotAlreadyExistsFault',
      400,
      'Cannot create the snapshot because a snapshot with the identifier s1 already exists.',
    )
    await h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
      DBInstanceIdentifier: 'i',
      DBSnapshotIdentifier: 's2',
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
        DBClusterIdentifier: 'a',
        DBClusterSnapshotIdentifier: 's3',
      }),
      'SnapshotQuotaExceeded',
      400,
      'Cannot create more than 1 manual DB cluster snapshots',
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
        DBInstanceIdentifier: 'i',
        DBSnapshotIdentifier: 's5',
      }),
      'SnapshotQuotaExceeded',
      400,
      'Cannot create more than 1 manual snapshots',
    )
    await h.call(SOURCE_ACCOUNT, 'ModifyDBCluster', {
      DBClusterIdentifier: 'a',
      MasterUserPassword: 'Valid-Pass_1',
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
        DBClusterIdentifier: 'a',
        DBClusterSnapshotIdentifier: 's4',
      }),
      'InvalidDBClusterStateFault',
      400,
    )
  })
})

describe('CreateDBSnapshot', () => {
  it('snapshots a standalone instance with its storage fields', async () => {
    const h = harness()
    const out = await h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
      DBInstanceIdentifier: INSTANCE,
      DBSnapshotIdentifier: 'pg-snap',
    })
    expect(out.DBSnapshot).toMatchObject({
      DBSnapshotArn: snapshotArn(SOURCE_ACCOUNT, 'pg-snap'),
      DBInstanceIdentifier: INSTANCE,
      Engine: 'postgres',
      EngineVersion: '16.4',
      AllocatedStorage: 50,
      StorageType: 'gp3',
      Encrypted: true,
      KmsKeyId: SOURCE_KEY_ARN,
      Port: 5432,
      MasterUsername: 'postgres',
      Status: 'creating',
      PercentProgress: 0,
      SnapshotType: 'manual',
    })
  })

  it('refuses an Aurora cluster member', async () => {
    const h = harness()
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
        DBInstanceIdentifier: `${AURORA_CLUSTER}-writer`,
        DBSnapshotIdentifier: 's',
      }),
      'InvalidDBInstanceState',
      400,
      /is a member of a cluster and a snapshot cannot be created directly/,
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
        DBInstanceIdentifier: 'nope',
        DBSnapshotIdentifier: 's',
      }),
      'DBInstanceNotFound',
      404,
      'DBInstance nope not found.',
    )
  })
})

describe('sharing (restore attribute)', () => {
  it('makes a snapshot visible to the added account only, as SnapshotType shared', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: AURORA_CLUSTER,
      DBClusterSnapshotIdentifier: 'snap',
    })
    h.advance(300)
    const arn = clusterSnapshotArn(SOURCE_ACCOUNT, 'snap')
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterSnapshots', {
        DBClusterSnapshotIdentifier: arn,
      }),
      'DBClusterSnapshotNotFoundFault',
      404,
      `DBClusterSnapshot not found: ${arn}`,
    )
    const result = await h.call(SOURCE_ACCOUNT, 'ModifyDBClusterSnapshotAttribute', {
      DBClusterSnapshotIdentifier: 'snap',
      AttributeName: 'restore',
      ValuesToAdd: [DESTINATION_ACCOUNT],
    })
    expect(result).toEqual({
      DBClusterSnapshotAttributesResult: {
        DBClusterSnapshotIdentifier: 'snap',
        DBClusterSnapshotAttributes: [
          { AttributeName: 'restore', AttributeValues: [DESTINATION_ACCOUNT] },
        ],
      },
    })
    expect((await clusterSnapshot(h, DESTINATION_ACCOUNT, arn)).SnapshotType).toBe('shared')
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterSnapshots', {
        DBClusterSnapshotIdentifier: 'snap',
      }),
      'DBClusterSnapshotNotFoundFault',
      404,
    )
    const listed = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterSnapshots', {
      IncludeShared: true,
    })
    expect(
      (listed.DBClusterSnapshots as Record<string, unknown>[]).map((s) => s.DBClusterSnapshotArn),
    ).toEqual([arn])
    const own = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterSnapshots', {})
    expect(own.DBClusterSnapshots).toEqual([])
    const sharedOnly = await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterSnapshots', {
      SnapshotType: 'shared',
    })
    expect((sharedOnly.DBClusterSnapshots as unknown[]).length).toBe(1)
    await expectAwsError(
      h.call('333333333333', 'DescribeDBClusterSnapshots', { DBClusterSnapshotIdentifier: arn }),
      'DBClusterSnapshotNotFoundFault',
      404,
    )
    await h.call(SOURCE_ACCOUNT, 'ModifyDBClusterSnapshotAttribute', {
      DBClusterSnapshotIdentifier: 'snap',
      AttributeName: 'restore',
      ValuesToRemove: [DESTINATION_ACCOUNT],
    })
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterSnapshots', {
        DBClusterSnapshotIdentifier: arn,
      }),
      'DBClusterSnapshotNotFoundFault',
      404,
    )
  })

  it('refuses snapshots under the AWS-managed aws/rds key', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: AURORA_DEFAULT_KEY_CLUSTER,
      DBClusterSnapshotIdentifier: 'dk',
    })
    h.advance(300)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'ModifyDBClusterSnapshotAttribute', {
        DBClusterSnapshotIdentifier: 'dk',
        AttributeName: 'restore',
        ValuesToAdd: [DESTINATION_ACCOUNT],
      }),
      'InvalidParameterValue',
      400,
      /^You can't share a snapshot that is encrypted using the default AWS managed KMS key \(aws\/rds\)/,
    )
  })

  it('refuses all for encrypted snapshots, Multi-AZ cluster snapshots, bad values and more than 20 accounts', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
      DBInstanceIdentifier: INSTANCE,
      DBSnapshotIdentifier: 'pg',
    })
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      DBClusterSnapshotIdentifier: 'maz',
    })
    const share = (values: string[], name = 'restore') =>
      h.call(SOURCE_ACCOUNT, 'ModifyDBSnapshotAttribute', {
        DBSnapshotIdentifier: 'pg',
        AttributeName: name,
        ValuesToAdd: values,
      })
    await expectAwsError(share([DESTINATION_ACCOUNT]), 'InvalidDBSnapshotState', 400)
    h.advance(300)
    await expectAwsError(
      share(['all']),
      'InvalidParameterValue',
      400,
      "Encrypted snapshots can't be shared publicly: pg.",
    )
    await expectAwsError(
      share(['12345']),
      'InvalidParameterValue',
      400,
      /Invalid account id: 12345/,
    )
    await expectAwsError(share([DESTINATION_ACCOUNT], 'copy'), 'InvalidParameterValue', 400)
    const accounts = Array.from({ length: 21 }, (_, n) => String(400000000000 + n))
    await expectAwsError(
      share(accounts),
      'SharedSnapshotQuotaExceeded',
      400,
      'You can share a manual snapshot with at most 20 AWS accounts.',
    )
    await share(accounts.slice(0, 20))
    const attrs = await h.call(SOURCE_ACCOUNT, 'DescribeDBSnapshotAttributes', {
      DBSnapshotIdentifier: 'pg',
    })
    expect(
      (
        attrs.DBSnapshotAttributesResult as {
          DBSnapshotAttributes: { AttributeValues: string[] }[]
        }
      ).DBSnapshotAttributes[0]?.AttributeValues,
    ).toHaveLength(20)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'ModifyDBClusterSnapshotAttribute', {
        DBClusterSnapshotIdentifier: 'maz',
        AttributeName: 'restore',
        ValuesToAdd: [DESTINATION_ACCOUNT],
      }),
      'InvalidParameterValue',
      400,
      "Sharing a snapshot of a Multi-AZ DB cluster isn't supported: maz.",
    )
  })
})

describe('CopyDBClusterSnapshot / CopyDBSnapshot', () => {
  it('needs KmsKeyId for a shared encrypted snapshot, then copies with PercentProgress', async () => {
    const h = harness()
    const arn = await sharedAuroraSnapshot(h)
    const copy = (input: Record<string, unknown>) =>
      h.call(DESTINATION_ACCOUNT, 'CopyDBClusterSnapshot', {
        SourceDBClusterSnapshotIdentifier: arn,
        TargetDBClusterSnapshotIdentifier: 'copy',
        ...input,
      })
    await expectAwsError(
      copy({}),
      'InvalidParameterValue',
      400,
      `KmsKeyId is required to copy the encrypted snapshot ${arn} shared from account ${SOURCE_ACCOUNT}.`,
    )
    await expectAwsError(copy({ KmsKeyId: 'alias/nope' }), 'KMSKeyNotAccessibleFault', 400)
    const out = await copy({ KmsKeyId: 'alias/rds-staging' })
    expect(out.DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotArn: clusterSnapshotArn(DESTINATION_ACCOUNT, 'copy'),
      Status: 'copying',
      PercentProgress: 0,
      KmsKeyId: DESTINATION_KEY_ARN,
      SourceDBClusterSnapshotArn: arn,
      SnapshotType: 'manual',
    })
    h.advance(250)
    expect((await clusterSnapshot(h, DESTINATION_ACCOUNT, 'copy')).PercentProgress).toBe(25)
    h.advance(750)
    expect(await clusterSnapshot(h, DESTINATION_ACCOUNT, 'copy')).toMatchObject({
      Status: 'available',
      PercentProgress: 100,
    })
    expect(h.history('copy')).toEqual(['created@300', 'copying@300', 'available@1300'])
  })

  it('needs the ARN for a shared snapshot', async () => {
    const h = harness()
    await sharedAuroraSnapshot(h)
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'CopyDBClusterSnapshot', {
        SourceDBClusterSnapshotIdentifier: 'aurora-snap',
        TargetDBClusterSnapshotIdentifier: 'c',
        KmsKeyId: DESTINATION_KEY_ARN,
      }),
      'DBClusterSnapshotNotFoundFault',
      404,
      'DBClusterSnapshot not found: aurora-snap',
    )
  })

  it('refuses copying a Multi-AZ DB cluster snapshot', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      DBClusterSnapshotIdentifier: 'maz',
    })
    h.advance(300)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CopyDBClusterSnapshot', {
        SourceDBClusterSnapshotIdentifier: 'maz',
        TargetDBClusterSnapshotIdentifier: 'c',
      }),
      'InvalidParameterValue',
      400,
      /^Copying a snapshot of a Multi-AZ DB cluster isn't supported/,
    )
  })

  it('refuses KmsKeyId when copying an unencrypted cluster snapshot, and copies tags with CopyTags', async () => {
    const h = harness({
      rds: {
        accounts: [
          {
            account: SOURCE_ACCOUNT,
            clusters: [
              {
                identifier: 'plain',
                engine: 'aurora-mysql',
                engineVersion: '8.0.mysql_aurora.3.05.2',
                masterUsername: 'a',
                tags: [],
              },
            ],
            clusterSnapshots: [
              { identifier: 'plain-snap', cluster: 'plain', tags: [{ Key: 'team', Value: 'db' }] },
            ],
          },
        ],
      },
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'CopyDBClusterSnapshot', {
        SourceDBClusterSnapshotIdentifier: 'plain-snap',
        TargetDBClusterSnapshotIdentifier: 'c',
        KmsKeyId: 'alias/aws/rds',
      }),
      'InvalidParameterCombination',
      400,
    )
    const out = await h.call(SOURCE_ACCOUNT, 'CopyDBClusterSnapshot', {
      SourceDBClusterSnapshotIdentifier: 'plain-snap',
      TargetDBClusterSnapshotIdentifier: 'c',
      CopyTags: true,
      Tags: [{ Key: 'extra', Value: '1' }],
    })
    expect((out.DBClusterSnapshot as Record<string, unknown>).TagList).toEqual([
      { Key: 'team', Value: 'db' },
      { Key: 'extra', Value: '1' },
    ])
  })

  it('copies a shared encrypted DB snapshot into the destination key', async () => {
    const h = harness()
    const arn = await sharedDbSnapshot(h)
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'CopyDBSnapshot', {
        SourceDBSnapshotIdentifier: arn,
        TargetDBSnapshotIdentifier: 'c',
      }),
      'InvalidParameterValue',
      400,
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'CopyDBSnapshot', {
        SourceDBSnapshotIdentifier: 'pg-snap',
        TargetDBSnapshotIdentifier: 'c',
        KmsKeyId: DESTINATION_KEY_ARN,
      }),
      'DBSnapshotNotFound',
      404,
      'DBSnapshot not found: pg-snap',
    )
    const out = await h.call(DESTINATION_ACCOUNT, 'CopyDBSnapshot', {
      SourceDBSnapshotIdentifier: arn,
      TargetDBSnapshotIdentifier: 'c',
      KmsKeyId: DESTINATION_KEY_ARN,
    })
    expect(out.DBSnapshot).toMatchObject({
      Status: 'copying',
      Encrypted: true,
      KmsKeyId: DESTINATION_KEY_ARN,
      SourceDBSnapshotIdentifier: arn,
      AllocatedStorage: 50,
    })
    h.advance(500)
    expect(await dbSnapshot(h, DESTINATION_ACCOUNT, 'c')).toMatchObject({
      Status: 'copying',
      PercentProgress: 50,
    })
    h.advance(500)
    expect(await dbSnapshot(h, DESTINATION_ACCOUNT, 'c')).toMatchObject({
      Status: 'available',
      PercentProgress: 100,
      SnapshotType: 'manual',
    })
  })

  it('refuses when the caller may not use the source key', async () => {
    const h = harness()
    const arn = await sharedDbSnapshot(h)
    h.kms.keys.splice(
      0,
      h.kms.keys.length,
      ...h.kms.keys.map((k) => (k.arn === SOURCE_KEY_ARN ? { ...k, allow: [] } : k)),
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'CopyDBSnapshot', {
        SourceDBSnapshotIdentifier: arn,
        TargetDBSnapshotIdentifier: 'c',
        KmsKeyId: DESTINATION_KEY_ARN,
      }),
      'KMSKeyNotAccessibleFault',
      400,
    )
  })
})

describe('DeleteDBClusterSnapshot / DeleteDBSnapshot', () => {
  it('deletes available snapshots, terminates copies, refuses snapshots being created', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: AURORA_CLUSTER,
      DBClusterSnapshotIdentifier: 's',
    })
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBClusterSnapshot', { DBClusterSnapshotIdentifier: 's' }),
      'InvalidDBClusterSnapshotStateFault',
      400,
      'DB cluster snapshot s is not in available or copying state (status: creating).',
    )
    h.advance(300)
    await h.call(SOURCE_ACCOUNT, 'CopyDBClusterSnapshot', {
      SourceDBClusterSnapshotIdentifier: 's',
      TargetDBClusterSnapshotIdentifier: 'c',
    })
    h.advance(100)
    const out = await h.call(SOURCE_ACCOUNT, 'DeleteDBClusterSnapshot', {
      DBClusterSnapshotIdentifier: 'c',
    })
    expect((out.DBClusterSnapshot as Record<string, unknown>).Status).toBe('deleting')
    await h.call(SOURCE_ACCOUNT, 'DeleteDBClusterSnapshot', { DBClusterSnapshotIdentifier: 's' })
    h.advance(30)
    await expectAwsError(
      clusterSnapshot(h, SOURCE_ACCOUNT, 'c'),
      'DBClusterSnapshotNotFoundFault',
      404,
    )
    expect(h.history('c')).toEqual(['created@300', 'copying@300', 'deleting@400', 'deleted@430'])
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'DeleteDBSnapshot', { DBSnapshotIdentifier: 'x' }),
      'DBSnapshotNotFound',
      404,
      'DBSnapshot not found: x',
    )
  })
})

describe('RestoreDBInstanceFromDBSnapshot', () => {
  it('needs exactly one snapshot member', async () => {
    const h = harness()
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', { DBInstanceIdentifier: 't' }),
      'InvalidParameterCombination',
      400,
      'Specify exactly one of DBSnapshotIdentifier or DBClusterSnapshotIdentifier.',
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
        DBInstanceIdentifier: 't',
        DBSnapshotIdentifier: 'a',
        DBClusterSnapshotIdentifier: 'b',
      }),
      'InvalidParameterCombination',
      400,
    )
  })

  it('restores a Multi-AZ DB cluster snapshot to a Single-AZ instance with default placement', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      DBClusterSnapshotIdentifier: 'maz',
    })
    h.advance(300)
    const out = await h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
      DBInstanceIdentifier: 'tmp',
      DBClusterSnapshotIdentifier: 'maz',
      Tags: [{ Key: 't', Value: '1' }],
    })
    expect(out.DBInstance).toMatchObject({
      DBInstanceIdentifier: 'tmp',
      DBInstanceStatus: 'creating',
      DBInstanceClass: 'db.m6gd.large',
      Engine: 'postgres',
      EngineVersion: '16.4',
      MultiAZ: false,
      AllocatedStorage: 100,
      StorageType: 'io1',
      Iops: 1000,
      StorageEncrypted: true,
      KmsKeyId: SOURCE_KEY_ARN,
      DBSubnetGroup: { DBSubnetGroupName: 'default' },
      VpcSecurityGroups: [{ VpcSecurityGroupId: `sg-default${SOURCE_ACCOUNT}`, Status: 'active' }],
      DBParameterGroups: [
        { DBParameterGroupName: 'default.postgres16', ParameterApplyStatus: 'in-sync' },
      ],
      TagList: [{ Key: 't', Value: '1' }],
    })
    h.advance(900)
    await h.call(SOURCE_ACCOUNT, 'DescribeDBInstances', {})
    expect(h.history('tmp')).toEqual([
      'created@300',
      'creating@300',
      'backing-up@1110',
      'available@1200',
    ])
  })

  it('refuses an Aurora cluster snapshot, smaller storage and a shared encrypted snapshot', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: AURORA_CLUSTER,
      DBClusterSnapshotIdentifier: 'au',
    })
    h.advance(300)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
        DBInstanceIdentifier: 't',
        DBClusterSnapshotIdentifier: 'au',
      }),
      'InvalidParameterValue',
      400,
      /can't be the identifier of an Aurora DB cluster snapshot/,
    )
    const arn = await sharedDbSnapshot(h)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
        DBInstanceIdentifier: 't',
        DBSnapshotIdentifier: 'pg-snap',
        AllocatedStorage: 20,
      }),
      'InvalidParameterCombination',
      400,
      /^Invalid storage size for engine name postgres and storage type gp3: 20/,
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
        DBInstanceIdentifier: 't',
        DBSnapshotIdentifier: arn,
      }),
      'InvalidParameterCombination',
      400,
      /both shared and encrypted\. Copy the snapshot to your account first/,
    )
  })

  it('uses the placement the caller passes, and checks it exists', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
      DBInstanceIdentifier: INSTANCE,
      DBSnapshotIdentifier: 'pg',
    })
    h.advance(300)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
        DBInstanceIdentifier: 't',
        DBSnapshotIdentifier: 'pg',
        DBParameterGroupName: 'nope',
      }),
      'DBParameterGroupNotFound',
      404,
    )
    const out = await h.call(SOURCE_ACCOUNT, 'RestoreDBInstanceFromDBSnapshot', {
      DBInstanceIdentifier: 't',
      DBSnapshotIdentifier: 'pg',
      DBSubnetGroupName: 'prod-db',
      VpcSecurityGroupIds: ['sg-0970d00000000000a'],
      DBInstanceClass: 'db.t4g.large',
      MultiAZ: true,
    })
    expect(out.DBInstance).toMatchObject({
      DBInstanceClass: 'db.t4g.large',
      MultiAZ: true,
      DBSubnetGroup: { DBSubnetGroupName: 'prod-db' },
    })
  })
})

describe('RestoreDBClusterFromSnapshot', () => {
  it('restores Aurora directly from a shared snapshot by ARN, with no instances and the Region default version', async () => {
    const h = harness()
    const arn = await sharedAuroraSnapshot(h)
    const out = await h.call(DESTINATION_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
      DBClusterIdentifier: 'stg',
      SnapshotIdentifier: arn,
      Engine: 'aurora-postgresql',
      KmsKeyId: DESTINATION_KEY_ARN,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    })
    expect(out.DBCluster).toMatchObject({
      Status: 'creating',
      EngineVersion: '16.6',
      DBClusterMembers: [],
      KmsKeyId: DESTINATION_KEY_ARN,
      MasterUsername: 'postgres',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
    })
    h.advance(1800)
    await h.call(DESTINATION_ACCOUNT, 'DescribeDBClusters', {})
    expect(h.history('stg')).toEqual([
      'created@300',
      'creating@300',
      'backing-up@1920',
      'available@2100',
    ])
  })

  it('keeps the requested EngineVersion and checks the engine', async () => {
    const h = harness()
    const arn = await sharedAuroraSnapshot(h)
    const out = await h.call(DESTINATION_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
      DBClusterIdentifier: 'a',
      SnapshotIdentifier: arn,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
    })
    expect((out.DBCluster as Record<string, unknown>).EngineVersion).toBe('16.4')
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
        DBClusterIdentifier: 'b',
        SnapshotIdentifier: arn,
        Engine: 'aurora-mysql',
      }),
      'InvalidParameterCombination',
      400,
      "The engine name requested for your DB cluster (aurora-mysql) doesn't match the engine of the snapshot (aurora-postgresql).",
    )
  })

  it('accepts a DB snapshot only by ARN', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBSnapshot', {
      DBInstanceIdentifier: INSTANCE,
      DBSnapshotIdentifier: 'pg',
    })
    h.advance(300)
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
        DBClusterIdentifier: 'm',
        SnapshotIdentifier: 'pg',
        Engine: 'postgres',
        DBClusterInstanceClass: 'db.m6gd.large',
      }),
      'DBSnapshotNotFound',
      404,
      'DBSnapshot not found: pg. You can use only the ARN to specify a DB snapshot.',
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
        DBClusterIdentifier: 'm',
        SnapshotIdentifier: 'nothing',
        Engine: 'postgres',
      }),
      'DBClusterSnapshotNotFoundFault',
      404,
      'DBClusterSnapshot not found: nothing',
    )
  })

  it('restores a Multi-AZ DB cluster from a copied DB snapshot with three members', async () => {
    const h = harness()
    const arn = await sharedDbSnapshot(h)
    await h.call(DESTINATION_ACCOUNT, 'CopyDBSnapshot', {
      SourceDBSnapshotIdentifier: arn,
      TargetDBSnapshotIdentifier: 'pg-copy',
      KmsKeyId: DESTINATION_KEY_ARN,
    })
    const restore = (input: Record<string, unknown>) =>
      h.call(DESTINATION_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
        DBClusterIdentifier: 'stg-maz',
        SnapshotIdentifier: snapshotArn(DESTINATION_ACCOUNT, 'pg-copy'),
        Engine: 'postgres',
        ...input,
      })
    await expectAwsError(
      restore({ DBClusterInstanceClass: 'db.m6gd.large' }),
      'InvalidDBSnapshotState',
      400,
    )
    h.advance(1000)
    await expectAwsError(
      restore({}),
      'InvalidParameterValue',
      400,
      'DBClusterInstanceClass is required to restore a Multi-AZ DB cluster.',
    )
    await expectAwsError(
      restore({ DBClusterInstanceClass: 'db.m6gd.large', StorageType: 'io2' }),
      'InvalidParameterCombination',
      400,
      'Iops is required when StorageType (io2) is specified for a Multi-AZ DB cluster.',
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
        DBClusterIdentifier: 'x',
        SnapshotIdentifier: arn,
        Engine: 'postgres',
        DBClusterInstanceClass: 'db.m6gd.large',
      }),
      'InvalidParameterCombination',
      400,
      /both shared and encrypted/,
    )
    const out = await restore({
      DBClusterInstanceClass: 'db.m6gd.large',
      StorageType: 'io1',
      Iops: 3000,
      EngineVersion: '16.4',
      DBSubnetGroupName: 'staging-db',
    })
    expect(out.DBCluster).toMatchObject({
      DBClusterInstanceClass: 'db.m6gd.large',
      StorageType: 'io1',
      Iops: 3000,
      AllocatedStorage: 50,
      KmsKeyId: DESTINATION_KEY_ARN,
      DBSubnetGroup: 'staging-db',
      DBClusterMembers: [
        expect.objectContaining({
          DBInstanceIdentifier: 'stg-maz-instance-1',
          IsClusterWriter: true,
        }),
        expect.objectContaining({
          DBInstanceIdentifier: 'stg-maz-instance-2',
          IsClusterWriter: false,
        }),
        expect.objectContaining({
          DBInstanceIdentifier: 'stg-maz-instance-3',
          IsClusterWriter: false,
        }),
      ],
    })
    h.advance(1800)
    const members = await h.call(DESTINATION_ACCOUNT, 'DescribeDBInstances', {
      Filters: [{ Name: 'db-cluster-id', Values: ['stg-maz'] }],
    })
    expect(
      (members.DBInstances as Record<string, unknown>[]).map((i) => i.DBInstanceStatus),
    ).toEqual(['available', 'available', 'available'])
  })

  it('checks placement groups in the caller account', async () => {
    const h = harness()
    const arn = await sharedAuroraSnapshot(h)
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'RestoreDBClusterFromSnapshot', {
        DBClusterIdentifier: 'a',
        SnapshotIdentifier: arn,
        Engine: 'aurora-postgresql',
        DBSubnetGroupName: 'prod-db',
      }),
      'DBSubnetGroupNotFoundFault',
      404,
    )
  })
})

describe('tags, placement lookups and inventory', () => {
  it('adds, lists and removes tags by ARN, only on own resources', async () => {
    const h = harness()
    const arn = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:${AURORA_CLUSTER}`
    await h.call(SOURCE_ACCOUNT, 'AddTagsToResource', {
      ResourceName: arn,
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'env', Value: 'prod' },
      ],
    })
    expect(await h.call(SOURCE_ACCOUNT, 'ListTagsForResource', { ResourceName: arn })).toEqual({
      TagList: [
        { Key: 'env', Value: 'prod' },
        { Key: 'a', Value: '1' },
      ],
    })
    await h.call(SOURCE_ACCOUNT, 'RemoveTagsFromResource', { ResourceName: arn, TagKeys: ['env'] })
    expect(await h.call(SOURCE_ACCOUNT, 'ListTagsForResource', { ResourceName: arn })).toEqual({
      TagList: [{ Key: 'a', Value: '1' }],
    })
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'ListTagsForResource', { ResourceName: arn }),
      'DBClusterNotFoundFault',
      404,
    )
    await expectAwsError(
      h.call(SOURCE_ACCOUNT, 'ListTagsForResource', {
        ResourceName: `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:db:nope`,
      }),
      'DBInstanceNotFound',
      404,
    )
  })

  it('describes subnet and parameter groups with NotFound faults', async () => {
    const h = harness()
    const subnets = await h.call(DESTINATION_ACCOUNT, 'DescribeDBSubnetGroups', {})
    expect(
      (subnets.DBSubnetGroups as Record<string, unknown>[]).map((g) => g.DBSubnetGroupName),
    ).toEqual(['default', 'staging-db'])
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBSubnetGroups', { DBSubnetGroupName: 'prod-db' }),
      'DBSubnetGroupNotFoundFault',
      404,
      "DB subnet group 'prod-db' does not exist.",
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBClusterParameterGroups', {
        DBClusterParameterGroupName: 'x',
      }),
      'DBParameterGroupNotFound',
      404,
      'DBClusterParameterGroup not found: x',
    )
    await expectAwsError(
      h.call(DESTINATION_ACCOUNT, 'DescribeDBParameterGroups', { DBParameterGroupName: 'x' }),
      'DBParameterGroupNotFound',
      404,
      'DBParameterGroup not found: x',
    )
    const pg = await h.call(DESTINATION_ACCOUNT, 'DescribeDBParameterGroups', {
      DBParameterGroupName: 'staging-pg16',
    })
    expect(pg.DBParameterGroups).toEqual([
      expect.objectContaining({
        DBParameterGroupName: 'staging-pg16',
        DBParameterGroupFamily: 'postgres16',
      }),
    ])
  })

  it('lists every resource of an account with the snapshot restore attribute', async () => {
    const h = harness()
    await sharedAuroraSnapshot(h, 'inv-snap')
    const inv = h.rds.inventory(SOURCE_ACCOUNT)
    expect(Object.keys(inv)).toEqual([
      'db-clusters',
      'db-instances',
      'db-cluster-snapshots',
      'db-snapshots',
    ])
    expect(
      (inv['db-clusters'] as Record<string, unknown>[]).map((c) => c.DBClusterIdentifier),
    ).toEqual([AURORA_CLUSTER, AURORA_DEFAULT_KEY_CLUSTER, MULTI_AZ_CLUSTER])
    expect(inv['db-instances']).toHaveLength(7)
    expect(inv['db-cluster-snapshots']).toEqual([
      expect.objectContaining({
        DBClusterSnapshotIdentifier: 'inv-snap',
        Attributes: [{ AttributeName: 'restore', AttributeValues: [DESTINATION_ACCOUNT] }],
      }),
    ])
    expect(h.rds.inventory(DESTINATION_ACCOUNT)['db-clusters']).toEqual([])
    expect(
      h.rds.lookup(`arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:${AURORA_CLUSTER}`),
    ).toEqual({ ownerAccount: SOURCE_ACCOUNT, type: 'rds:Cluster', status: 'available' })
    expect(h.rds.lookup(`arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:none`)).toBeUndefined()
    expect(h.rds.lookup(`arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:db:${INSTANCE}`)).toBeUndefined()
  })
})

describe('DescribeDB(Cluster)Snapshots filters', () => {
  it('filters by source and SnapshotType, and lists shared DB snapshots with IncludeShared', async () => {
    const h = harness()
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: AURORA_CLUSTER,
      DBClusterSnapshotIdentifier: 'a1',
    })
    await h.call(SOURCE_ACCOUNT, 'CreateDBClusterSnapshot', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
      DBClusterSnapshotIdentifier: 'm1',
    })
    const byCluster = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusterSnapshots', {
      DBClusterIdentifier: MULTI_AZ_CLUSTER,
    })
    expect(
      (byCluster.DBClusterSnapshots as Record<string, unknown>[]).map(
        (s) => s.DBClusterSnapshotIdentifier,
      ),
    ).toEqual(['m1'])
    const automated = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusterSnapshots', {
      SnapshotType: 'automated',
    })
    expect(automated.DBClusterSnapshots).toEqual([])
    const manual = await h.call(SOURCE_ACCOUNT, 'DescribeDBClusterSnapshots', {
      SnapshotType: 'manual',
    })
    expect((manual.DBClusterSnapshots as unknown[]).length).toBe(2)

    const arn = await sharedDbSnapshot(h)
    const shared = await h.call(DESTINATION_ACCOUNT, 'DescribeDBSnapshots', {
      SnapshotType: 'shared',
    })
    expect(
      (shared.DBSnapshots as Record<string, unknown>[]).map((s) => [
        s.DBSnapshotArn,
        s.SnapshotType,
      ]),
    ).toEqual([[arn, 'shared']])
    const included = await h.call(DESTINATION_ACCOUNT, 'DescribeDBSnapshots', {
      IncludeShared: true,
      DBInstanceIdentifier: INSTANCE,
    })
    expect((included.DBSnapshots as unknown[]).length).toBe(1)
    expect((await h.call(DESTINATION_ACCOUNT, 'DescribeDBSnapshots', {})).DBSnapshots).toEqual([])
    expect((await dbSnapshot(h, DESTINATION_ACCOUNT, arn)).Encrypted).toBe(true)
  })
})
