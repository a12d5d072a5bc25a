import {
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
  type Filter,
  type RDSClient,
} from '@aws-sdk/client-rds'

/**
 * Every RDS resource an account owns in the region, page by page (DescribeDB* return at most 100
 * a page). Manual snapshots only: automated ones belong to RDS, shared ones to another account.
 */
export interface AccountInventory {
  readonly clusters: readonly DBCluster[]
  readonly instances: readonly DBInstance[]
  readonly clusterSnapshots: readonly DBClusterSnapshot[]
  readonly snapshots: readonly DBSnapshot[]
}

/** Every DB cluster, or those the filters select (e.g. `clone-group-id`). */
export async function listClusters(rds: RDSClient, filters?: Filter[]): Promise<DBCluster[]> {
  const found: DBCluster[] = []
  const pages = paginateDescribeDBClusters({ client: rds }, filters ? { Filters: filters } : {})
  for await (const page of pages) found.push(...(page.DBClusters ?? []))
  return found
}

export async function readInventory(rds: RDSClient): Promise<AccountInventory> {
  const instances: DBInstance[] = []
  for await (const page of paginateDescribeDBInstances({ client: rds }, {}))
    instances.push(...(page.DBInstances ?? []))
  const clusterSnapshots: DBClusterSnapshot[] = []
  for await (const page of paginateDescribeDBClusterSnapshots(
    { client: rds },
    { SnapshotType: 'manual' },
  ))
    clusterSnapshots.push(...(page.DBClusterSnapshots ?? []))
  const snapshots: DBSnapshot[] = []
  for await (const page of paginateDescribeDBSnapshots({ client: rds }, { SnapshotType: 'manual' }))
    snapshots.push(...(page.DBSnapshots ?? []))
  return { clusters: await listClusters(rds), instances, clusterSnapshots, snapshots }
}
