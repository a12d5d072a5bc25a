import type { DBCluster, Tag } from '@aws-sdk/client-rds'
import { requireManaged } from '../../aws/ownership.js'
import { findCluster, findInstance } from '../../aws/rds-read.js'
import { auroraMemberWaves } from '../../aws/removers.js'
import type { AccountSession } from '../../credentials.js'
import { ActionError } from '../../errors.js'
import type { Settings } from '../../settings.js'
import { isAuroraEngine } from '../common/detect.js'
import { accountFromArn } from '../../aws/arn.js'

/** A target as `delete` finds it in the destination account. */
export type TargetView = { readonly state: 'gone'; readonly identifier: string } | ManagedTarget

/** A target that exists and carries the managed tag: the only kind `delete` acts on. */
export interface ManagedTarget {
  readonly state: 'present'
  readonly identifier: string
  readonly arn: string
  /** `aurora-cluster` and `multi-az-cluster` are DB clusters; `instance` a standalone DB instance. */
  readonly kind: 'aurora-cluster' | 'multi-az-cluster' | 'instance'
  readonly status: string
  readonly engine: string
  readonly deletionProtection: boolean
  /** Aurora members in the waves they are deleted in: the readers, then the writer. */
  readonly memberWaves: readonly (readonly string[])[]
  readonly tags: readonly Tag[]
  /** A clone of a cluster shared from another account (through AWS RAM). */
  readonly crossAccountClone: boolean
  readonly cloneGroupId?: string
}

/**
 * Read the target in the destination account, changing nothing. A target that does not exist is
 * reported as gone (a pull request can be closed twice); one this action does not manage, or an
 * instance that belongs to a cluster, is refused before anything is changed.
 */
export async function inspectTarget(
  destination: AccountSession,
  target: string,
): Promise<TargetView> {
  const rds = destination.clients.rds
  const cluster = await findCluster(rds, target)
  // Every RDS describe carries the resource's TagList (the model's DBCluster and DBInstance), so
  // ownership is read from it: no ListTagsForResource, which the lifecycle policies do not grant.
  if (cluster) return fromCluster(destination, cluster, cluster.TagList ?? [])
  const instance = await findInstance(rds, target)
  if (!instance) return { state: 'gone', identifier: target }
  const where = {
    resource: instance.DBInstanceArn ?? target,
    side: 'destination' as const,
    accountId: destination.accountId,
  }
  if (instance.DBClusterIdentifier) {
    throw new ActionError({
      summary: `Target ${target} is a DB instance of the DB cluster ${instance.DBClusterIdentifier}, not a copy of its own`,
      ...where,
      hint: `Set target to the cluster, ${instance.DBClusterIdentifier}: deleting a copy removes its instances with it.`,
    })
  }
  const tags = instance.TagList ?? []
  requireManaged({ target, tags, where, purpose: 'delete' })
  return {
    state: 'present',
    identifier: instance.DBInstanceIdentifier ?? target,
    arn: instance.DBInstanceArn ?? target,
    kind: 'instance',
    status: instance.DBInstanceStatus ?? 'unknown',
    engine: instance.Engine ?? '',
    deletionProtection: instance.DeletionProtection ?? false,
    memberWaves: [],
    tags,
    crossAccountClone: false,
  }
}

function arnOf(cluster: DBCluster): string {
  return cluster.DBClusterArn ?? cluster.DBClusterIdentifier ?? ''
}

function fromCluster(
  destination: AccountSession,
  cluster: DBCluster,
  tags: readonly Tag[],
): ManagedTarget {
  const identifier = cluster.DBClusterIdentifier ?? ''
  requireManaged({
    target: identifier,
    tags,
    where: { resource: arnOf(cluster), side: 'destination', accountId: destination.accountId },
    purpose: 'delete',
  })
  const aurora = isAuroraEngine(cluster.Engine)
  return {
    state: 'present',
    identifier,
    arn: arnOf(cluster),
    kind: aurora ? 'aurora-cluster' : 'multi-az-cluster',
    status: cluster.Status ?? 'unknown',
    engine: cluster.Engine ?? '',
    deletionProtection: cluster.DeletionProtection ?? false,
    // Multi-AZ DB clusters take their members with them (aws-reference E6).
    memberWaves: aurora ? auroraMemberWaves(cluster.DBClusterMembers ?? []) : [],
    tags,
    crossAccountClone: cluster.CrossAccountClone ?? false,
    cloneGroupId: cluster.CloneGroupId,
  }
}

/**
 * A target equal to the source (same identifier in the same account) is refused for every
 * operation, whatever proves ownership: a managed base copy can be the source of its branches.
 */
export function refuseTargetIsSource(
  settings: Settings,
  accounts: { source: AccountSession; destination: AccountSession },
  target: string,
): void {
  const source = settings.source
  if (!source) return
  const sourceAccount =
    source.accountId ?? accountFromArn(source.arn ?? '') ?? accounts.source.accountId
  if (sourceAccount !== accounts.destination.accountId) return
  if (source.identifier.toLowerCase() !== target.toLowerCase()) return
  throw new ActionError({
    summary: `target ${target} is the source itself (same account ${sourceAccount})`,
    side: 'destination',
    accountId: accounts.destination.accountId,
    hint: 'Choose another target: the action never changes or deletes its source.',
  })
}
