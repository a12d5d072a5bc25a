import { findCluster, readTags } from '../../aws/rds-read.js'
import { ActionError } from '../../errors.js'
import { runNames } from '../../names.js'
import type { RefreshContext } from '../common/context.js'
import { requireManaged } from '../../aws/ownership.js'
import { describeName, label, type Described, type Move } from './rename.js'
import type { SwapStages } from './swap.js'
import type { SwapNames } from './swap-names.js'

/** The renames of a swap, read from what exists right before it. */
export interface SwapLayout {
  readonly stages: SwapStages
  /** The new copy under its staging name. */
  readonly newCopy: Described
  /** The new copy's instances under their staging names. */
  readonly newMembers: readonly string[]
  /** The old copy, still under the target name; undefined when it is gone. */
  readonly old?: Described
}

/**
 * Old copy away, then the new one into place, each as a cluster (or instance) stage followed by
 * an Aurora-instances stage. Instance identifiers are account-wide and survive a cluster rename
 * (aws-reference E5), so the old instances holding names the new ones take (`<target>-1`, ...)
 * move away first. A Multi-AZ DB cluster's members keep the names AWS gave them.
 */
export async function swapStages(
  ctx: RefreshContext,
  options: { names: SwapNames; old: Described },
): Promise<SwapLayout> {
  const { names } = options
  const newCopy = await requireAvailable(ctx, ctx.copyKind, names.staging)
  const old = await currentOld(ctx, options)
  const newMembers = await auroraMembers(ctx, newCopy)
  const moves = memberMoves(ctx, {
    members: newMembers,
    from: names.staging,
    to: names.target,
  })
  const finalNames = new Set(moves.map((m) => m.to))
  const oldMembers = old
    ? (await auroraMembers(ctx, old)).filter((m) => finalNames.has(m.identifier))
    : []
  const oldMoves = memberMoves(ctx, { members: oldMembers, from: names.target, to: names.retired })
  const stages: Move[][] = [
    old
      ? [{ kind: old.kind, from: names.target, to: names.retired, resourceId: old.resourceId }]
      : [],
    oldMoves,
    [
      {
        kind: newCopy.kind,
        from: names.staging,
        to: names.target,
        resourceId: newCopy.resourceId,
      },
    ],
    moves,
  ]
  return {
    stages: stages.filter((stage) => stage.length > 0),
    newCopy,
    newMembers: newMembers.map((m) => m.identifier),
    old,
  }
}

/**
 * The old copy as it is now. Between the first look and the swap an hour may pass: it must still
 * be the same resource, still managed, and available (AWS renames only an available resource).
 */
async function currentOld(
  ctx: RefreshContext,
  options: { names: SwapNames; old: Described },
): Promise<Described | undefined> {
  const { names, old } = options
  const now = await describeName(ctx, old.kind, names.target)
  if (!now) return undefined
  const where = {
    resource: now.arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  if (now.resourceId !== old.resourceId) {
    throw new ActionError({
      summary: `${label(old.kind)} ${names.target} changed during the run (resource ${now.resourceId}, was ${old.resourceId}); nothing was renamed`,
      ...where,
      hint: 'Another run or tool replaced the target meanwhile. Give each target one concurrency group, then re-run; the new copy under its temporary name is removed by the post step.',
    })
  }
  const tags = await readTags(ctx.destination.clients.rds, now.arn)
  requireManaged({ target: names.target, tags, where, purpose: 'replace' })
  if (now.status !== 'available') throw notAvailable(ctx, now)
  return now
}

/** AWS renames only an available resource: check each one before the first rename. */
async function requireAvailable(
  ctx: RefreshContext,
  kind: Described['kind'],
  name: string,
): Promise<Described> {
  const found = await describeName(ctx, kind, name)
  if (found?.status === 'available') return found
  throw notAvailable(ctx, { kind, identifier: name, status: found?.status ?? 'missing' })
}

function notAvailable(
  ctx: RefreshContext,
  found: Pick<Described, 'kind' | 'identifier' | 'status'>,
): ActionError {
  return new ActionError({
    summary: `${label(found.kind)} ${found.identifier} is ${found.status}, not available, and AWS renames only an available resource; nothing was renamed`,
    resource: found.identifier,
    side: 'destination',
    accountId: ctx.destination.accountId,
    hint: 'Start it or wait until it is available, then re-run; the new copy under its temporary name is removed by the post step.',
  })
}

/** An Aurora cluster's instances, each with its resource id; none for other kinds. */
async function auroraMembers(ctx: RefreshContext, copy: Described): Promise<Described[]> {
  if (copy.kind !== 'cluster') return []
  const cluster = await findCluster(ctx.destination.clients.rds, copy.identifier)
  if (!cluster?.Engine?.startsWith('aurora')) return []
  const ids = (cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '')
  const members = await Promise.all(ids.map((id) => requireAvailable(ctx, 'instance', id)))
  return members
}

/**
 * Renames of the members named after one cluster name (names.ts: `<name>-<n>`) to the same
 * position under another. Members named otherwise keep their names.
 */
function memberMoves(
  ctx: RefreshContext,
  options: { members: readonly Described[]; from: string; to: string },
): Move[] {
  const from = runNames(options.from, ctx.settings.run)
  const to = runNames(options.to, ctx.settings.run)
  return options.members.flatMap((member) => {
    const index = positionOf(member.identifier, from.instance)
    if (index === undefined) return []
    return [
      {
        kind: 'instance' as const,
        from: member.identifier,
        to: to.instance(index),
        resourceId: member.resourceId,
      },
    ]
  })
}

/** Highest instance count the action creates (instance-count is at most 16). */
const MAX_INSTANCES = 16

/** AWS keeps identifiers in lower case and matches them regardless of case. */
function positionOf(id: string, instance: (index: number) => string): number | undefined {
  for (let index = 1; index <= MAX_INSTANCES; index++) {
    if (instance(index).toLowerCase() === id.toLowerCase()) return index
  }
  return undefined
}
