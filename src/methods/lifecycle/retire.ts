import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds'
import { findCluster, findInstance } from '../../aws/rds-read.js'
import type { StepRuntime } from '../../engine/types.js'
import { ActionError } from '../../errors.js'
import type { RefreshContext } from '../common/context.js'
import { requireManaged } from '../common/existing.js'
import { waitForCluster, waitForInstance } from '../common/waits.js'
import { label, type Described } from './rename.js'

/**
 * Delete a copy this action manages, and wait until it is gone: deletion protection off (only
 * once its managed tag is read again on this very resource), then for an Aurora cluster the
 * readers, the writer and the cluster (aws-reference E6); a Multi-AZ DB cluster takes its members
 * with it; a DB instance goes alone. No final snapshot: the copy is a copy.
 */
export async function deleteManagedCopy(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: Pick<Described, 'kind' | 'identifier' | 'resourceId'>,
): Promise<void> {
  if (copy.kind === 'cluster') await deleteCluster(ctx, runtime, copy)
  else await deleteInstance(ctx, runtime, copy)
}

type CopyRef = Pick<Described, 'kind' | 'identifier' | 'resourceId'>

function where(ctx: RefreshContext, runtime: StepRuntime, copy: CopyRef) {
  return {
    step: runtime.name,
    resource: copy.identifier,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
}

/** The copy as it is now, proven to be the same resource and managed; undefined when gone. */
async function provenCopy<T extends DBCluster | DBInstance>(
  ctx: RefreshContext,
  runtime: StepRuntime,
  options: { copy: CopyRef; found: T | undefined; resourceId: (item: T) => string | undefined },
): Promise<T | undefined> {
  const { copy, found } = options
  if (!found) return undefined
  if (options.resourceId(found) !== copy.resourceId) {
    throw new ActionError({
      summary: `${label(copy.kind)} ${copy.identifier} is no longer the copy this run replaced (resource id ${options.resourceId(found) ?? 'unknown'}, expected ${copy.resourceId}), so it is left alone`,
      ...where(ctx, runtime, copy),
      hint: 'Something else renamed resources in this account during the run; check what holds this name.',
    })
  }
  requireManaged({
    target: copy.identifier,
    tags: found.TagList,
    where: { resource: copy.identifier, side: 'destination', accountId: ctx.destination.accountId },
    purpose: 'delete',
  })
  return found
}

async function deleteCluster(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
): Promise<void> {
  const rds = ctx.destination.clients.rds
  const cluster = await provenCopy(ctx, runtime, {
    copy,
    found: await findCluster(rds, copy.identifier),
    resourceId: (c) => c.DbClusterResourceId,
  })
  if (!cluster) return
  await send(ctx, runtime, copy, 'turn off deletion protection of', async () => {
    if (!cluster.DeletionProtection) return
    await rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: copy.identifier,
        DeletionProtection: false,
        ApplyImmediately: true,
      }),
    )
  })
  // Multi-AZ DB clusters take their members with them (aws-reference E6).
  const aurora = cluster.Engine?.startsWith('aurora') ?? false
  const members = aurora ? (cluster.DBClusterMembers ?? []) : []
  const readers = members.filter((m) => !m.IsClusterWriter)
  const writers = members.filter((m) => m.IsClusterWriter)
  // Readers first: deleting the writer first would fail over to a reader that is going anyway.
  for (const group of [readers, writers]) {
    await Promise.all(
      group.map((member) => deleteMember(ctx, runtime, member.DBInstanceIdentifier ?? '')),
    )
  }
  await send(ctx, runtime, copy, 'delete', () =>
    rds.send(
      new DeleteDBClusterCommand({ DBClusterIdentifier: copy.identifier, SkipFinalSnapshot: true }),
    ),
  )
  runtime.log.info(`Deleting DB cluster ${copy.identifier}`)
  await Promise.all(
    members.map((m) =>
      waitForInstance(ctx, runtime, {
        side: 'destination',
        id: m.DBInstanceIdentifier ?? '',
        until: 'gone',
      }),
    ),
  )
  await waitForCluster(ctx, runtime, { side: 'destination', id: copy.identifier, until: 'gone' })
}

async function deleteMember(ctx: RefreshContext, runtime: StepRuntime, id: string): Promise<void> {
  runtime.log.info(`Deleting DB instance ${id}`)
  await send(ctx, runtime, { kind: 'instance', identifier: id, resourceId: '' }, 'delete', () =>
    ctx.destination.clients.rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }),
    ),
  )
}

async function deleteInstance(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
): Promise<void> {
  const rds = ctx.destination.clients.rds
  const instance = await provenCopy(ctx, runtime, {
    copy,
    found: await findInstance(rds, copy.identifier),
    resourceId: (i) => i.DbiResourceId,
  })
  if (!instance) return
  await send(ctx, runtime, copy, 'turn off deletion protection of', async () => {
    if (!instance.DeletionProtection) return
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: copy.identifier,
        DeletionProtection: false,
        ApplyImmediately: true,
      }),
    )
  })
  await send(ctx, runtime, copy, 'delete', () =>
    rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: copy.identifier,
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      }),
    ),
  )
  runtime.log.info(`Deleting DB instance ${copy.identifier}`)
  await waitForInstance(ctx, runtime, { side: 'destination', id: copy.identifier, until: 'gone' })
}

async function send(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
  action: string,
  call: () => Promise<unknown>,
): Promise<void> {
  try {
    await call()
  } catch (error) {
    throw ActionError.fromAws(error, {
      summary: `Could not ${action} ${label(copy.kind)} ${copy.identifier}`,
      ...where(ctx, runtime, copy),
    })
  }
}
