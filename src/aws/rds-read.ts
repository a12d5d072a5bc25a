import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds'
import { isNotFound } from '../errors.js'

/**
 * Describe one resource by identifier or ARN; undefined when AWS answers "not found" (which is
 * also what it answers for another account's resource that is not shared with the caller).
 */
export async function findCluster(rds: RDSClient, id: string): Promise<DBCluster | undefined> {
  return orUndefined(async () => {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))
    return out.DBClusters?.[0]
  })
}

export async function findInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  return orUndefined(async () => {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
    return out.DBInstances?.[0]
  })
}

export async function findClusterSnapshot(
  rds: RDSClient,
  id: string,
): Promise<DBClusterSnapshot | undefined> {
  return orUndefined(async () => {
    const out = await rds.send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterSnapshotIdentifier: id,
        ...(id.startsWith('arn:') ? { IncludeShared: true } : {}),
      }),
    )
    return out.DBClusterSnapshots?.[0]
  })
}

export async function findSnapshot(rds: RDSClient, id: string): Promise<DBSnapshot | undefined> {
  return orUndefined(async () => {
    const out = await rds.send(
      new DescribeDBSnapshotsCommand({
        DBSnapshotIdentifier: id,
        ...(id.startsWith('arn:') ? { IncludeShared: true } : {}),
      }),
    )
    return out.DBSnapshots?.[0]
  })
}

async function orUndefined<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read()
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}
