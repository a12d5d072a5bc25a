import type { DBCluster, RDSClient } from '@aws-sdk/client-rds'
import { listClusters } from '../../aws/rds-inventory.js'

/**
 * AWS documents up to 15 copy-on-write clones of one source at a time; past that a "clone"
 * silently becomes a full copy that takes hours (aws-reference A4). Across accounts it allows
 * one clone per destination account (A5).
 */
export const COPY_ON_WRITE_CLONE_LIMIT = 15

/** From this many clones on, the log warns that the limit is near. */
export const CLONE_LIMIT_WARNING = 12

/** The clones of one source this run's two roles can see. */
export interface CloneCensus {
  /** The source's clone group; undefined when it has never been cloned. */
  readonly cloneGroupId?: string
  /** Clusters of the group in the source account, the source itself excluded. */
  readonly inSourceAccount: readonly string[]
  /** Clusters of the group in the destination account (cross-account only). */
  readonly inDestinationAccount: readonly string[]
}

export interface CensusInput {
  readonly source: DBCluster
  readonly sourceRds: RDSClient
  /** Undefined in one account: the source account's view already holds every clone. */
  readonly destinationRds?: RDSClient
}

/**
 * Count the clusters of the source's clone group each account shows its role. Full copies
 * (point-in-time restores) inherit the group too, so this can overcount, never undercount what
 * these two roles see; clones in third accounts stay invisible.
 */
export async function countClones(input: CensusInput): Promise<CloneCensus> {
  const group = input.source.CloneGroupId
  if (!group) return { inSourceAccount: [], inDestinationAccount: [] }
  const sourceArn = input.source.DBClusterArn
  const inSource = (await clonesInGroup(input.sourceRds, group)).filter(
    (c) => c.DBClusterArn !== sourceArn,
  )
  const inDestination = input.destinationRds ? await clonesInGroup(input.destinationRds, group) : []
  return {
    cloneGroupId: group,
    inSourceAccount: inSource.map(identifierOf),
    inDestinationAccount: inDestination.map(identifierOf),
  }
}

async function clonesInGroup(rds: RDSClient, group: string): Promise<DBCluster[]> {
  const listed = await listClusters(rds, [{ Name: 'clone-group-id', Values: [group] }])
  // Checked again here: the filter is what narrows the listing, the field is what counts.
  return listed.filter((c) => c.CloneGroupId === group)
}

function identifierOf(cluster: DBCluster): string {
  return cluster.DBClusterIdentifier ?? cluster.DBClusterArn ?? 'unknown'
}

/** How many clones count against the copy-on-write limit. */
export function cloneCount(census: CloneCensus): number {
  return census.inSourceAccount.length + census.inDestinationAccount.length
}
