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
import { allItems } from './pages.js'

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
export function listClusters(rds: RDSClient, filters?: Filter[]): Promise<DBCluster[]> {
  return allItems(
    paginateDescribeDBClusters({ client: rds }, filters ? { Filters: filters } : {}),
    (page) => page.DBClusters,
  )
}

export async function readInventory(rds: RDSClient): Promise<AccountInventory> {
  const client = { client: rds }
  const manual = { SnapshotType: 'manual' }
  const instances = await allItems(
    paginateDescribeDBInstances(client, {}),
    (page) => page.DBInstances,
  )
  const clusterSnapshots = await allItems(
    paginateDescribeDBClusterSnapshots(client, manual),
    (page) => page.DBClusterSnapshots,
  )
  const snapshots = await allItems(
    paginateDescribeDBSnapshots(client, manual),
    (page) => page.DBSnapshots,
  )
  return { clusters: await listClusters(rds), instances, clusterSnapshots, snapshots }
}
