import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
  type RDSClient,
  type Tag,
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
        ...sharedWhenArn(id),
      }),
    )
    return out.DBClusterSnapshots?.[0]
  })
}

export async function findSnapshot(rds: RDSClient, id: string): Promise<DBSnapshot | undefined> {
  return orUndefined(async () => {
    const out = await rds.send(
      new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id, ...sharedWhenArn(id) }),
    )
    return out.DBSnapshots?.[0]
  })
}

/** Another account's snapshot, named by its ARN, is listed only with IncludeShared. */
function sharedWhenArn(id: string): { IncludeShared?: boolean } {
  return id.startsWith('arn:') ? { IncludeShared: true } : {}
}

/** The tags of a resource, read from the resource itself (ownership is proven by them). */
export async function readTags(rds: RDSClient, arn: string): Promise<Tag[]> {
  const out = await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }))
  return out.TagList ?? []
}

async function orUndefined<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read()
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** How to read one kind of RDS resource: its label, lookup, status and copy progress. */
export interface ResourceReader<T> {
  readonly label: string
  find(rds: RDSClient, id: string): Promise<T | undefined>
  status(item: T): string
  progress?(item: T): number | undefined
}

/** The four kinds of RDS resource the action creates, waits for and removes, as AWS describes them. */
export interface RdsResources {
  readonly 'db-cluster': DBCluster
  readonly 'db-instance': DBInstance
  readonly 'db-cluster-snapshot': DBClusterSnapshot
  readonly 'db-snapshot': DBSnapshot
}

export type RdsKind = keyof RdsResources

/** How to poll one resource with its reader: its name for the log, its lookup and its status. */
export function pollOf<T>(reader: ResourceReader<T>, rds: RDSClient, id: string) {
  return {
    resource: `${reader.label} ${id}`,
    describe: () => reader.find(rds, id),
    status: (item: T) => reader.status(item),
  }
}

export const READERS: { readonly [K in RdsKind]: ResourceReader<RdsResources[K]> } = {
  'db-cluster': {
    label: 'DB cluster',
    find: findCluster,
    status: (c: DBCluster) => c.Status ?? 'unknown',
  } satisfies ResourceReader<DBCluster>,
  'db-instance': {
    label: 'DB instance',
    find: findInstance,
    status: (i: DBInstance) => i.DBInstanceStatus ?? 'unknown',
  } satisfies ResourceReader<DBInstance>,
  'db-cluster-snapshot': {
    label: 'DB cluster snapshot',
    find: findClusterSnapshot,
    status: (s: DBClusterSnapshot) => s.Status ?? 'unknown',
    progress: (s: DBClusterSnapshot) => s.PercentProgress,
  } satisfies ResourceReader<DBClusterSnapshot>,
  'db-snapshot': {
    label: 'DB snapshot',
    find: findSnapshot,
    status: (s: DBSnapshot) => s.Status ?? 'unknown',
    progress: (s: DBSnapshot) => s.PercentProgress,
  } satisfies ResourceReader<DBSnapshot>,
}
