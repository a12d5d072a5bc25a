import * as core from '@actions/core'
import { titledLog } from '../../github/annotations.js'
import type { Tag } from '@aws-sdk/client-rds'
import { findCluster, findInstance, readTags } from '../../aws/rds-read.js'
import { ActionError } from '../../errors.js'
import type { CopyResult } from '../../result.js'
import { CopyState, TagKeys } from '../../tags.js'
import { madeByRun, requireManaged, tagValue } from '../../aws/ownership.js'
import { FAILURE_STATUSES, waitFor } from '../../engine/wait.js'
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import type { AccountSession } from '../../credentials.js'
import { runOf, type RefreshContext } from './context.js'
import { copyResult } from './copy-result.js'

/** The target as the destination account answers for its name: a DB cluster or a DB instance. */
export interface FoundTarget {
  readonly cluster?: DBCluster
  readonly instance?: DBInstance
}

/**
 * Look the target up in the destination, once per run: the method's choice, `if-exists` and a
 * replace all read this one answer.
 */
export async function lookupTarget(
  destination: AccountSession,
  target: string,
): Promise<FoundTarget | undefined> {
  const rds = destination.clients.rds
  const cluster = await findCluster(rds, target)
  if (cluster) return { cluster }
  const instance = await findInstance(rds, target)
  return instance ? { instance } : undefined
}

/**
 * What to do with a target that already exists, before creating anything. Under `if-exists:
 * fail` an existing target stops the run; under `reuse` a copy this action manages is reported as it is.
 * `replace` is decided before (lifecycle/replace.ts). A target this action does not manage is
 * never touched. A copy an earlier try of this very run left half-built (its tags prove this run
 * made it, and it is still `building`) is no existing target: the plan continues it.
 */
export async function findExistingTarget(
  ctx: RefreshContext,
  wait: ReuseWait,
  target: FoundTarget | undefined,
): Promise<CopyResult | undefined> {
  if (!target) return undefined
  const { cluster: found, instance: foundInstance } = target
  const name = ctx.names.target
  const arn = found?.DBClusterArn ?? foundInstance?.DBInstanceArn ?? name
  const where = {
    resource: arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  const tags =
    found?.TagList ?? foundInstance?.TagList ?? (await readTags(ctx.destination.clients.rds, arn))
  if (madeByRun(tags, runOf(ctx)) && stillBuilding(tags)) {
    core.info(
      `${name} exists, still being built, and its tags prove this run made it (an earlier try of the same run and attempt): the run continues it instead of starting over`,
    )
    return undefined
  }
  const mode = ctx.settings.ifExists
  if (mode === 'fail') {
    throw new ActionError({
      summary: `Target ${name} already exists in the destination account`,
      ...where,
      hint: 'Use if-exists: reuse to keep a managed copy, if-exists: replace for a fresh one under the same name, or choose another target.',
    })
  }
  requireManaged({ target: name, tags, where, purpose: mode })
  const { cluster, instance } = await untilComplete(ctx, {
    kind: found ? 'cluster' : 'instance',
    seen: { cluster: found, instance: foundInstance },
    madeBy: tagValue(tags, TagKeys.runId),
    wait,
  })
  const expiry = tags?.find((t) => t.Key === TagKeys.expiresAt)?.Value
  warnIfDifferent(ctx, tagValue(tags, TagKeys.source))
  const origin = {
    name,
    method: ctx.method,
    created: false,
    expiresAt: expiry ? new Date(expiry) : undefined,
  }
  if (cluster) return copyResult({ cluster }, origin)
  return copyResult({ instance: instance ?? {} }, origin)
}

/** Reuse reports the copy as it is; say so when it is not what this run would have made. */
function warnIfDifferent(ctx: RefreshContext, source: string | undefined): void {
  const target = ctx.names.target
  core.info(`Reusing ${target} (if-exists: reuse): it is reported as it is, nothing is created`)
  if (source && source !== ctx.sourceDb.arn) {
    core.warning(
      `${target} was copied from ${source}, not from ${ctx.sourceDb.arn}; it is reused as it is. Use another target for a copy of this source.`,
      { title: 'rds-refresh: reused a copy of another source' },
    )
  }
}

/** How long `reuse` may wait for a copy that is still being built: the run's own bounds. */
export interface ReuseWait {
  readonly signal: AbortSignal
  /** Epoch ms: the run's deadline (deadline-minutes). */
  readonly deadline: number
}

/** A copy as `reuse` sees it: `complete` once it and every instance are available. */
interface CopyState {
  readonly state: string
  readonly cluster?: DBCluster
  readonly instance?: DBInstance
}

const COMPLETE = 'complete'
const BUILDING = `still being built (${TagKeys.state}=${CopyState.building})`

/** Its run has not finished it yet; a copy made before the state tag existed counts as finished. */
function stillBuilding(tags: readonly Tag[] | undefined): boolean {
  return tagValue(tags, TagKeys.state) === CopyState.building
}

/** The copy's state, from a describe just made (`seen`) or a fresh one. */
async function readCopy(
  ctx: RefreshContext,
  kind: 'cluster' | 'instance',
  seen?: { cluster?: DBCluster; instance?: DBInstance },
): Promise<CopyState | undefined> {
  const rds = ctx.destination.clients.rds
  const target = ctx.names.target
  if (kind === 'instance') {
    const instance = seen?.instance ?? (await findInstance(rds, target))
    if (!instance) return undefined
    const status = instance.DBInstanceStatus ?? 'unknown'
    if (status === 'available' && stillBuilding(instance.TagList)) {
      return { state: BUILDING, instance }
    }
    return { state: status === 'available' ? COMPLETE : status, instance }
  }
  const cluster = seen?.cluster ?? (await findCluster(rds, target))
  if (!cluster) return undefined
  if (cluster.Status !== 'available') return { state: cluster.Status ?? 'unknown', cluster }
  if (stillBuilding(cluster.TagList)) return { state: BUILDING, cluster }
  const members = (cluster.DBClusterMembers ?? []).flatMap((m) =>
    m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [],
  )
  if (members.length === 0) return { state: 'available without DB instances', cluster }
  for (const id of members) {
    const status = (await findInstance(rds, id))?.DBInstanceStatus ?? 'missing'
    if (status !== 'available') return { state: `DB instance ${id} ${status}`, cluster }
  }
  return { state: COMPLETE, cluster }
}

/**
 * `reuse` reports only a complete copy: available, with every DB instance available. A copy that
 * is not (another run may still be building it, or a run died half-way) is waited for, within the
 * run's timeout; one that is still incomplete then, or fails, is refused, and the log says which.
 */
async function untilComplete(
  ctx: RefreshContext,
  options: {
    kind: 'cluster' | 'instance'
    seen: { cluster?: DBCluster; instance?: DBInstance }
    madeBy?: string
    wait: ReuseWait
  },
): Promise<CopyState> {
  const target = ctx.names.target
  const first = await readCopy(ctx, options.kind, options.seen)
  if (first?.state === COMPLETE) return first
  let last = first?.state ?? 'gone'
  const where = {
    resource: target,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  core.info(
    `if-exists: reuse: ${target} is not complete yet (${first?.state ?? 'gone'}); it was made by run ${options.madeBy ?? 'unknown'}, which may still be building it. Waiting for it, at most until the timeout, before reusing it.`,
  )
  try {
    return await waitFor(
      {
        ...where,
        resource: `${options.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${target}`,
        describe: async () => {
          const copy = await readCopy(ctx, options.kind)
          last = copy?.state ?? 'gone'
          return copy
        },
        status: (copy) => copy.state,
        until: [COMPLETE],
        failOn: FAILURE_STATUSES,
      },
      {
        step: 'reuse',
        log: titledLog('rds-refresh: reuse'),
        signal: options.wait.signal,
        deadline: options.wait.deadline,
        pollSeconds: ctx.settings.pollIntervalSeconds,
      },
    )
  } catch (error) {
    if (options.wait.signal.aborted) throw error
    throw new ActionError({
      summary: `if-exists: reuse refused ${target}: it is ${last}, not a complete copy (available, with every DB instance available), and did not become one in time`,
      cause: error,
      ...where,
      hint: `reuse never adopts a copy that is still being built or was left half-made. If run ${options.madeBy ?? '(unknown)'} is still building it, re-run once it has finished; if it is a leftover, delete it (or use if-exists: replace) and re-run.`,
    })
  }
}
