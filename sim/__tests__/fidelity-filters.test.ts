/**
 * Issue 10 point 11, over the wire: every filter the RDS model documents for each Describe call is
 * accepted with its documented meaning; only names it does not document are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type Filter,
} from '@aws-sdk/client-rds'
import { AURORA_CLUSTER, INSTANCE, SOURCE_ACCOUNT } from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

describe('Describe filters (over the wire)', () => {
  let w: WireWorld
  beforeAll(async () => {
    w = await wireWorld()
    await w.source.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: INSTANCE, DBSnapshotIdentifier: 'pg-1' }),
    )
  })
  afterAll(async () => w.close())

  const clusters = async (Filters: Filter[]) =>
    (await w.source.rds.send(new DescribeDBClustersCommand({ Filters }))).DBClusters?.map(
      (c) => c.DBClusterIdentifier,
    )
  const instances = async (Filters: Filter[]) =>
    (await w.source.rds.send(new DescribeDBInstancesCommand({ Filters }))).DBInstances?.map(
      (i) => i.DBInstanceIdentifier,
    )

  it('DescribeDBClusters: clone-group-id, db-cluster-id, db-cluster-resource-id, domain, engine', async () => {
    const one = await w.source.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: AURORA_CLUSTER }),
    )
    const resourceId = one.DBClusters?.[0]?.DbClusterResourceId ?? ''
    expect(resourceId).toMatch(/^cluster-[A-Z0-9]{26}$/)
    expect(await clusters([{ Name: 'db-cluster-resource-id', Values: [resourceId] }])).toEqual([
      AURORA_CLUSTER,
    ])
    const arn = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:${AURORA_CLUSTER}`
    expect(await clusters([{ Name: 'db-cluster-id', Values: [arn] }])).toEqual([AURORA_CLUSTER])
    expect(await clusters([{ Name: 'engine', Values: ['postgres'] }])).toEqual(['prod-multiaz'])
    expect(await clusters([{ Name: 'domain', Values: ['d-1234567890'] }])).toEqual([])
    expect(await clusters([{ Name: 'clone-group-id', Values: ['none'] }])).toEqual([])
  })

  it('DescribeDBInstances: db-cluster-id (ARN too), db-instance-id, dbi-resource-id, domain, engine', async () => {
    const one = await w.source.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: INSTANCE }),
    )
    const dbi = one.DBInstances?.[0]?.DbiResourceId ?? ''
    expect(dbi).toMatch(/^db-[A-Z0-9]{26}$/)
    expect(await instances([{ Name: 'dbi-resource-id', Values: [dbi] }])).toEqual([INSTANCE])
    const clusterArn = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:${AURORA_CLUSTER}`
    expect(await instances([{ Name: 'db-cluster-id', Values: [clusterArn] }])).toEqual([
      `${AURORA_CLUSTER}-writer`,
      `${AURORA_CLUSTER}-reader-1`,
    ])
    expect(
      await instances([
        { Name: 'engine', Values: ['postgres'] },
        { Name: 'db-instance-id', Values: [INSTANCE, 'other'] },
      ]),
    ).toEqual([INSTANCE])
    expect(await instances([{ Name: 'domain', Values: ['d-1234567890'] }])).toEqual([])
  })

  it('DescribeDBSnapshots: dbi-resource-id, snapshot-type, db-instance-id; DescribeDBClusterSnapshots: its four', async () => {
    const one = await w.source.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: INSTANCE }),
    )
    const dbi = one.DBInstances?.[0]?.DbiResourceId ?? ''
    const snaps = await w.source.rds.send(
      new DescribeDBSnapshotsCommand({
        Filters: [
          { Name: 'dbi-resource-id', Values: [dbi] },
          { Name: 'snapshot-type', Values: ['manual'] },
          {
            Name: 'db-instance-id',
            Values: [`arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:db:${INSTANCE}`],
          },
        ],
      }),
    )
    expect(snaps.DBSnapshots?.map((s) => [s.DBSnapshotIdentifier, s.DbiResourceId])).toEqual([
      ['pg-1', dbi],
    ])
    const none = await w.source.rds.send(
      new DescribeDBSnapshotsCommand({
        Filters: [{ Name: 'snapshot-type', Values: ['automated'] }],
      }),
    )
    expect(none.DBSnapshots).toEqual([])
    const clusterSnaps = await w.source.rds.send(
      new DescribeDBClusterSnapshotsCommand({
        Filters: [
          { Name: 'db-cluster-id', Values: [AURORA_CLUSTER] },
          { Name: 'db-cluster-snapshot-id', Values: ['x'] },
          { Name: 'snapshot-type', Values: ['manual'] },
          { Name: 'engine', Values: ['aurora-postgresql'] },
        ],
      }),
    )
    expect(clusterSnaps.DBClusterSnapshots).toEqual([])
  })

  it('refuses a filter name the model does not document for the call', async () => {
    expect(
      await failure(
        w.source.rds.send(
          new DescribeDBClustersCommand({ Filters: [{ Name: 'dbi-resource-id', Values: ['x'] }] }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Unrecognized filter name: dbi-resource-id.',
    })
  })
})
