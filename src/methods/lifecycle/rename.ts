import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import { modifyDatabase, type DatabaseKind } from '../../aws/rds-databases.js'
import { findCluster, findInstance } from '../../aws/rds-read.js'
import type { StepRuntime } from '../../engine/types.js'
import { stepWaitContext, waitFor } from '../../engine/wait.js'
import { ActionError } from '../../errors.js'
import type { RefreshContext } from '../common/context.js'

/** A DB cluster (Aurora or Multi-AZ) or a DB instance (standalone or an Aurora member). */
export type RdsKind = DatabaseKind

/** One rename: which resource (by its immutable resource id) goes from which name to which. */
export interface Move {
  readonly kind: RdsKind
  readonly from: string
  readonly to: string
  /** `DbClusterResourceId` / `DbiResourceId`: the same before and after a rename. */
  readonly resourceId: string
}

/** A cluster or instance as a describe shows it, reduced to what a swap reads. */
export interface Described {
  readonly kind: RdsKind
  readonly identifier: string
  readonly resourceId: string
  readonly status: string
  readonly arn: string
}

export function describedCluster(cluster: DBCluster): Described {
  return {
    kind: 'cluster',
    identifier: cluster.DBClusterIdentifier ?? '',
    resourceId: cluster.DbClusterResourceId ?? '',
    status: cluster.Status ?? 'unknown',
    arn: cluster.DBClusterArn ?? '',
  }
}

export function describedInstance(instance: DBInstance): Described {
  return {
    kind: 'instance',
    identifier: instance.DBInstanceIdentifier ?? '',
    resourceId: instance.DbiResourceId ?? '',
    status: instance.DBInstanceStatus ?? 'unknown',
    arn: instance.DBInstanceArn ?? '',
  }
}

/** What the name answers right now: a cluster or instance, or nothing. */
export async function describeName(
  ctx: RefreshContext,
  kind: RdsKind,
  name: string,
): Promise<Described | undefined> {
  const rds = ctx.destination.clients.rds
  if (kind === 'cluster') {
    const cluster = await findCluster(rds, name)
    return cluster ? describedCluster(cluster) : undefined
  }
  const instance = await findInstance(rds, name)
  return instance ? describedInstance(instance) : undefined
}

export function label(kind: RdsKind): string {
  return kind === 'cluster' ? 'DB cluster' : 'DB instance'
}

/**
 * Ask AWS for the rename. ApplyImmediately always: without it the rename waits for the next
 * maintenance window (aws-reference E2, E5).
 */
export async function requestRename(ctx: RefreshContext, move: Move): Promise<void> {
  await modifyDatabase(
    ctx.destination.clients.rds,
    { kind: move.kind, id: move.from },
    { newIdentifier: move.to },
  )
}

/**
 * Wait until `name` answers as the resource `resourceId`, available. Right after a rename a
 * describe of a name can still show the resource that left it, with its old status (aws-reference
 * 0.1 rename gotcha, E3), and the name can answer "not found" in between: only the resource id
 * tells which resource answers, so a status alone is never taken as the answer.
 */
export async function waitUntilAnswers(
  ctx: RefreshContext,
  runtime: StepRuntime,
  expected: { kind: RdsKind; name: string; resourceId: string },
): Promise<Described> {
  const answer = await waitFor(
    {
      resource: `${label(expected.kind)} ${expected.name}`,
      side: 'destination',
      accountId: ctx.destination.accountId,
      describe: async () => ({ found: await describeName(ctx, expected.kind, expected.name) }),
      status: ({ found }) => {
        if (!found) return 'not answering yet'
        if (found.resourceId !== expected.resourceId)
          return 'still answering as the resource that left'
        return found.status
      },
      until: ['available'],
    },
    stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
  )
  if (!answer.found) {
    throw new ActionError({
      summary: `${label(expected.kind)} ${expected.name} did not answer`,
      step: runtime.name,
      side: 'destination',
      accountId: ctx.destination.accountId,
    })
  }
  return answer.found
}
