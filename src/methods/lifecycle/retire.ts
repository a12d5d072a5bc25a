import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import { requireManaged } from '../../aws/ownership.js'
import { findCluster, findInstance } from '../../aws/rds-read.js'
import {
  auroraMemberWaves,
  deleteDatabase,
  deleteMembers,
  disableDeletionProtection,
} from '../../aws/removers.js'
import type { StepRuntime } from '../../engine/types.js'
import { addTags } from '../../aws/rds-databases.js'
import { ActionError, awsErrorCode, errorMessage } from '../../errors.js'
import { Purpose, TagKeys } from '../../tags.js'
import type { RefreshContext } from '../common/context.js'
import { waitForKind } from '../common/waits.js'
import { label, type Described } from './rename.js'

type CopyRef = Pick<Described, 'kind' | 'identifier' | 'resourceId'>

/** What a deletion needs to know of the copy, read again right before it. */
interface CopyNow {
  readonly resourceId?: string
  readonly arn: string
  readonly deletionProtection: boolean
  readonly tags: DBCluster['TagList']
  /** Aurora members in deletion order; none for a Multi-AZ DB cluster or a DB instance. */
  readonly memberWaves: readonly (readonly string[])[]
}

/**
 * Delete a copy this action manages, and wait until it is gone (`replace-strategy: delete-first`,
 * whose new copy needs the name).
 */
export async function deleteManagedCopy(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
): Promise<void> {
  const started = await startCopyDeletion(ctx, runtime, copy)
  if (!started) return
  const gone = { side: 'destination' as const, until: 'gone' as const }
  await Promise.all(
    started.members.map((id) => waitForKind('db-instance', ctx, runtime, { ...gone, id })),
  )
  const kind = copy.kind === 'cluster' ? 'db-cluster' : 'db-instance'
  await waitForKind(kind, ctx, runtime, { ...gone, id: copy.identifier })
}

/** A deletion AWS has accepted: the Aurora members it covers (none for other kinds). */
export interface StartedDeletion {
  readonly members: readonly string[]
}

/**
 * Start deleting a copy this action manages, returning once AWS has accepted every call (seconds;
 * undefined when the copy is already gone): deletion protection off (only once its managed tag is
 * read again on this very resource), then for an Aurora cluster the readers, the writer and the
 * cluster, each accepted once the ones before it are `deleting` (aws-reference E6); a Multi-AZ
 * DB cluster takes its members with it; a DB instance goes alone. No final snapshot: the copy is
 * a copy. With `retire`, the copy is first tagged `rds-refresh:purpose=retired`, so that `sweep`
 * removes it should the deletion not finish.
 */
export async function startCopyDeletion(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
  options: { readonly retire?: boolean } = {},
): Promise<StartedDeletion | undefined> {
  const rds = ctx.destination.clients.rds
  const now = await provenCopy(ctx, runtime, copy)
  if (!now) return undefined
  if (options.retire) await markRetired(ctx, runtime, copy, now)
  const target = { kind: copy.kind, id: copy.identifier }
  await send(ctx, runtime, copy, 'turn off deletion protection of', async () => {
    if (now.deletionProtection) await disableDeletionProtection(rds, target)
  })
  await send(ctx, runtime, copy, 'delete the DB instances of', () =>
    deleteMembers(rds, now.memberWaves, (id) => runtime.log.info(`Deleting DB instance ${id}`)),
  )
  await send(ctx, runtime, copy, 'delete', () =>
    deleteDatabase(rds, target, { deleteAutomatedBackups: copy.kind === 'instance' }),
  )
  runtime.log.info(`Deleting ${label(copy.kind)} ${copy.identifier}`)
  return { members: now.memberWaves.flat() }
}

/**
 * The retired tag says what the copy is to anyone who finds it (and to `sweep`). Not being able
 * to write it does not stop the deletion: the run still deletes, and reports if it cannot.
 */
async function markRetired(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
  now: CopyNow,
): Promise<void> {
  try {
    await addTags(ctx.destination.clients.rds, now.arn, [
      { Key: TagKeys.purpose, Value: Purpose.retired },
    ])
  } catch (error) {
    runtime.log.warning(
      `Could not tag ${label(copy.kind)} ${copy.identifier} ${TagKeys.purpose}=${Purpose.retired} (${awsErrorCode(error) ?? errorMessage(error)}); deleting it all the same, but operation: sweep will not recognise it as retired if the deletion does not finish.`,
    )
  }
}

function where(ctx: RefreshContext, runtime: StepRuntime, copy: CopyRef) {
  return {
    step: runtime.name,
    resource: copy.identifier,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
}

async function readCopy(ctx: RefreshContext, copy: CopyRef): Promise<CopyNow | undefined> {
  const rds = ctx.destination.clients.rds
  if (copy.kind === 'instance') {
    const instance: DBInstance | undefined = await findInstance(rds, copy.identifier)
    return (
      instance && {
        resourceId: instance.DbiResourceId,
        arn: instance.DBInstanceArn ?? '',
        deletionProtection: instance.DeletionProtection ?? false,
        tags: instance.TagList,
        memberWaves: [],
      }
    )
  }
  const cluster = await findCluster(rds, copy.identifier)
  const aurora = cluster?.Engine?.startsWith('aurora') ?? false
  return (
    cluster && {
      resourceId: cluster.DbClusterResourceId,
      arn: cluster.DBClusterArn ?? '',
      deletionProtection: cluster.DeletionProtection ?? false,
      tags: cluster.TagList,
      memberWaves: aurora ? auroraMemberWaves(cluster.DBClusterMembers ?? []) : [],
    }
  )
}

/** The copy as it is now, proven to be the same resource and managed; undefined when gone. */
async function provenCopy(
  ctx: RefreshContext,
  runtime: StepRuntime,
  copy: CopyRef,
): Promise<CopyNow | undefined> {
  const now = await readCopy(ctx, copy)
  if (!now) return undefined
  if (now.resourceId !== copy.resourceId) {
    throw new ActionError({
      summary: `${label(copy.kind)} ${copy.identifier} is no longer the copy this run replaced (resource id ${now.resourceId ?? 'unknown'}, expected ${copy.resourceId}), so it is left alone`,
      ...where(ctx, runtime, copy),
      hint: 'Something else renamed resources in this account during the run; check what holds this name.',
    })
  }
  requireManaged({
    target: copy.identifier,
    tags: now.tags,
    where: { resource: copy.identifier, side: 'destination', accountId: ctx.destination.accountId },
    purpose: 'delete',
  })
  return now
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
