/**
 * Issue 10 point 3, over the wire: a Describe call given another account's ARN answers for that
 * account (not found unless AWS shares it), never with the caller's own resource of that name.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateDBSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds'
import {
  AURORA_CLUSTER,
  DESTINATION_ACCOUNT,
  INSTANCE,
  SOURCE_ACCOUNT,
} from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

const arn = (account: string, kind: string, id: string) =>
  `arn:aws:rds:us-east-1:${account}:${kind}:${id}`

describe('Describe calls with another account ARN (over the wire)', () => {
  let w: WireWorld
  beforeAll(async () => {
    w = await wireWorld()
  })
  afterAll(async () => w.close())

  it('DescribeDBInstances: another account ARN is not found even when the caller has that name', async () => {
    const foreign = arn(DESTINATION_ACCOUNT, 'db', INSTANCE)
    expect(
      await failure(
        w.source.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: foreign })),
      ),
    ).toMatchObject({ name: 'DBInstanceNotFoundFault' })
    expect(
      await failure(
        w.destination.rds.send(
          new DescribeDBInstancesCommand({
            DBInstanceIdentifier: arn(SOURCE_ACCOUNT, 'db', INSTANCE),
          }),
        ),
      ),
    ).toMatchObject({ name: 'DBInstanceNotFoundFault' })
    const own = await w.source.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: arn(SOURCE_ACCOUNT, 'db', INSTANCE) }),
    )
    expect(own.DBInstances?.[0]?.DBInstanceArn).toBe(arn(SOURCE_ACCOUNT, 'db', INSTANCE))
  })

  it('DescribeDBClusters and DescribeDBSnapshots: an unshared resource of another account is not found', async () => {
    expect(
      await failure(
        w.destination.rds.send(
          new DescribeDBClustersCommand({
            DBClusterIdentifier: arn(SOURCE_ACCOUNT, 'cluster', AURORA_CLUSTER),
          }),
        ),
      ),
    ).toMatchObject({ name: 'DBClusterNotFoundFault' })
    await w.source.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: INSTANCE, DBSnapshotIdentifier: 'mine' }),
    )
    expect(
      await failure(
        w.source.rds.send(
          new DescribeDBSnapshotsCommand({
            DBSnapshotIdentifier: arn(DESTINATION_ACCOUNT, 'snapshot', 'mine'),
            IncludeShared: true,
          }),
        ),
      ),
    ).toMatchObject({ name: 'DBSnapshotNotFoundFault' })
  })
})
