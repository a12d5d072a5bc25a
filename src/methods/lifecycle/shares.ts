import {
  DeleteResourceShareCommand,
  paginateGetResourceShares,
  type RAMClient,
  type ResourceShare,
} from '@aws-sdk/client-ram'
import type { DBCluster } from '@aws-sdk/client-rds'
import { findCluster } from '../../aws/rds-read.js'
import type { AccountSession } from '../../credentials.js'
import { TagKeys } from '../../tags.js'
import { listAssociations } from '../clone/ram-share.js'
import { tagValue } from './target.js'

/** Associations that still hold the resource or principal in the share. */
const HELD = new Set(['ASSOCIATED', 'ASSOCIATING'])

/** A RAM share in the source account carrying this action's managed tag, with what it holds. */
export interface ManagedShare {
  readonly arn: string
  readonly name: string
  readonly status: string
  readonly createdAt?: Date
  /** ARNs of the shared resources (the source clusters). */
  readonly resources: readonly string[]
  /** Account ids it is shared with. */
  readonly principals: readonly string[]
}

/**
 * Live shares (ACTIVE or PENDING) the source account owns that carry the managed tag. The tag
 * proves the action made the share; a share someone else made is never listed.
 */
export async function managedShares(ram: RAMClient): Promise<ManagedShare[]> {
  const shares: ResourceShare[] = []
  const pages = paginateGetResourceShares(
    { client: ram },
    { resourceOwner: 'SELF', tagFilters: [{ tagKey: TagKeys.managed, tagValues: ['true'] }] },
  )
  for await (const page of pages) shares.push(...(page.resourceShares ?? []))
  const live = shares.filter(
    (s) =>
      (s.status === 'ACTIVE' || s.status === 'PENDING') &&
      (s.tags ?? []).some((t) => t.key === TagKeys.managed && t.value === 'true'),
  )
  return Promise.all(live.map((share) => describeShare(ram, share)))
}

async function describeShare(ram: RAMClient, share: ResourceShare): Promise<ManagedShare> {
  const arn = share.resourceShareArn ?? ''
  const [resources, principals] = await Promise.all(
    (['RESOURCE', 'PRINCIPAL'] as const).map(async (associationType) =>
      (await listAssociations(ram, { associationType, resourceShareArns: [arn] }))
        .filter((a) => HELD.has(a.status ?? ''))
        .flatMap((a) => (a.associatedEntity ? [a.associatedEntity] : [])),
    ),
  )
  return {
    arn,
    name: share.name ?? arn,
    status: share.status ?? 'unknown',
    createdAt: share.creationTime,
    resources: resources ?? [],
    principals: principals ?? [],
  }
}

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

/** Withdraw a share; one already being deleted counts as withdrawn. */
export async function withdrawShare(ram: RAMClient, arn: string): Promise<void> {
  try {
    await ram.send(new DeleteResourceShareCommand({ resourceShareArn: arn }))
  } catch (error) {
    const name = (error as { name?: string }).name
    if (name === 'UnknownResourceException' || name === 'InvalidStateTransitionException') return
    throw error
  }
}
