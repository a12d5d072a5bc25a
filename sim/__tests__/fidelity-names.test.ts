/**
 * Issue 10 point 2, over the wire: RDS stores identifiers in lower case, matches them
 * case-insensitively, and refuses a name that breaks its kind's rules with InvalidParameterValue
 * (the rules are the RDS model's member documentation, quoted in sim/src/services/rds/README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBSubnetGroupsCommand,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds'
import { AURORA_CLUSTER, INSTANCE, STAGING_SUBNET_GROUP } from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

describe('RDS identifiers (over the wire)', () => {
  let w: WireWorld
  beforeAll(async () => {
    w = await wireWorld()
  })
  afterAll(async () => w.close())

  const clone = (id: string) =>
    w.source.rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        DBClusterIdentifier: id,
        SourceDBClusterIdentifier: AURORA_CLUSTER,
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
      }),
    )

  it('stores a new cluster in lower case and finds it whatever the case', async () => {
    const out = await clone('PR-Clone')
    expect(out.DBCluster?.DBClusterIdentifier).toBe('pr-clone')
    const found = await w.source.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'Pr-CLONE' }),
    )
    expect(found.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['pr-clone'])
    expect(await failure(clone('pr-clone'))).toMatchObject({ name: 'DBClusterAlreadyExistsFault' })
    const upperSource = await w.source.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: AURORA_CLUSTER.toUpperCase() }),
    )
    expect(upperSource.DBClusters?.[0]?.DBClusterIdentifier).toBe(AURORA_CLUSTER)
  })

  it.each([
    ['two consecutive hyphens', 'bad--name'],
    ['a trailing hyphen', 'bad-name-'],
    ['a digit first', '1cluster'],
    ['an underscore', 'bad_name'],
    ['64 characters', `a${'b'.repeat(63)}`],
  ])('refuses a cluster identifier with %s', async (_why, id) => {
    expect(await failure(clone(id))).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining(
        'The parameter DBClusterIdentifier is not a valid identifier',
      ),
    })
  })

  it('allows 63 characters for clusters and cluster snapshots, 255 for DB snapshots', async () => {
    const long63 = `a${'b'.repeat(62)}`
    expect((await clone(long63)).DBCluster?.DBClusterIdentifier).toBe(long63)
    await w.settle()
    expect(
      await failure(
        w.source.rds.send(
          new CreateDBClusterSnapshotCommand({
            DBClusterIdentifier: AURORA_CLUSTER,
            DBClusterSnapshotIdentifier: `s${'x'.repeat(63)}`,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue' })
    const snap = await w.source.rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: AURORA_CLUSTER,
        DBClusterSnapshotIdentifier: 'Snap-One',
      }),
    )
    expect(snap.DBClusterSnapshot?.DBClusterSnapshotIdentifier).toBe('snap-one')
    const described = await w.source.rds.send(
      new DescribeDBClusterSnapshotsCommand({
        Filters: [{ Name: 'db-cluster-snapshot-id', Values: ['SNAP-ONE'] }],
      }),
    )
    expect(described.DBClusterSnapshots).toHaveLength(1)
    const long255 = `d${'b'.repeat(254)}`
    const db = await w.source.rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: INSTANCE,
        DBSnapshotIdentifier: long255,
      }),
    )
    expect(db.DBSnapshot?.DBSnapshotIdentifier).toBe(long255)
    expect(
      await failure(
        w.source.rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: INSTANCE,
            DBSnapshotIdentifier: `${long255}x`,
          }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue' })
  })

  it('matches subnet group names case-insensitively', async () => {
    const out = await w.destination.rds.send(
      new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: STAGING_SUBNET_GROUP.toUpperCase() }),
    )
    expect(out.DBSubnetGroups?.[0]?.DBSubnetGroupName).toBe(STAGING_SUBNET_GROUP)
  })
})
