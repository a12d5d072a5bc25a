import type { DBCluster } from '@aws-sdk/client-rds'
import { findCluster } from '../../aws/rds-read.js'
import type { AccountSession } from '../../credentials.js'
import { TagKeys } from '../../tags.js'
import type { ManagedShare } from '../../aws/ram.js'
import { tagValue } from '../../aws/ownership.js'

/**
 * Copies in the destination that still need a shared source: its cross-account clones. A clone
 * is in the source's clone group (CloneGroupId, which AWS keeps for every clone of a cluster), or
 * a managed copy whose source tag names the source. Clusters in `except` are left out (copies
 * being deleted).
 */
export function clonesOf(options: {
  readonly destinationClusters: readonly DBCluster[]
  readonly sourceArn: string
  readonly sourceCloneGroupId?: string
  readonly except?: readonly string[]
}): string[] {
  const { sourceArn, sourceCloneGroupId, except } = options
  return options.destinationClusters
    .filter(
      (c) =>
        c.CrossAccountClone === true &&
        !(except ?? []).includes(c.DBClusterIdentifier ?? '') &&
        ((sourceCloneGroupId !== undefined && c.CloneGroupId === sourceCloneGroupId) ||
          tagValue(c.TagList, TagKeys.source) === sourceArn),
    )
    .map((c) => c.DBClusterIdentifier ?? '')
}

/** Why a managed share may not be withdrawn yet, or undefined when nothing uses it any more. */
export async function shareStillNeeded(options: {
  readonly share: ManagedShare
  readonly source: AccountSession
  readonly destinationAccountId: string
  readonly destinationClusters: readonly DBCluster[]
  readonly except?: readonly string[]
}): Promise<string | undefined> {
  const { share, destinationAccountId } = options
  const others = share.principals.filter((p) => p !== destinationAccountId)
  if (others.length > 0) {
    return `also shared with ${others.join(', ')}: a job for ${others.length > 1 ? 'those accounts' : 'that account'} decides`
  }
  for (const resource of share.resources) {
    const cluster = await findCluster(options.source.clients.rds, resource)
    const clones = clonesOf({
      destinationClusters: options.destinationClusters,
      sourceArn: resource,
      sourceCloneGroupId: cluster?.CloneGroupId,
      except: options.except,
    })
    if (clones.length > 0) return `still used by the clone ${clones.join(', ')}`
  }
  return undefined
}
