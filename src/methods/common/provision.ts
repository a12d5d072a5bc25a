import type { Tag } from '@aws-sdk/client-rds'
import { describeOwner, madeByRun, tagsOf } from '../../aws/ownership.js'
import { READERS, type RdsKind, type RdsResources } from '../../aws/rds-read.js'
import { removalCommand } from '../../cleanup.js'
import type { CreatedResource, StepRuntime } from '../../engine/types.js'
import { ActionError, awsErrorCode, describeAccount, errorMessage } from '../../errors.js'
import { runOf, sessionFor, type RefreshContext } from './context.js'
import { waitForKind } from './waits.js'

/** One resource a step creates: what it is, and the one AWS call that creates it. */
export interface Provision<K extends RdsKind> {
  readonly ctx: RefreshContext
  readonly runtime: StepRuntime
  /** Recorded as an intent before the call, as created after it. */
  readonly resource: CreatedResource & { readonly kind: K }
  /** The create call; an error it throws is the step's, unless the resource exists after all. */
  readonly start: () => Promise<unknown>
  /** What ready means besides `available` (e.g. the scaling range applied). */
  readonly ready?: (item: RdsResources[K]) => boolean
}

export interface Provisioned<T> {
  /** `reused` when an earlier try of this run had made it (proven by its tags). */
  readonly made: 'created' | 'reused'
  /** The resource as AWS describes it once ready. */
  readonly resource: T
}

/**
 * Every create of a refresh goes through here: find → start → record → wait. A resource under the
 * run's deterministic name is adopted only when its tags prove this run made it (a re-run of the
 * same attempt, or a create whose answer was lost); anything else under that name is a collision
 * and the run stops, naming it. Then it waits until the resource is available.
 */
export async function provision<K extends RdsKind>(
  options: Provision<K>,
): Promise<Provisioned<RdsResources[K]>> {
  const { ctx, runtime, resource } = options
  const made = await findOrStart(options)
  const ready = await waitForKind(resource.kind, ctx, runtime, {
    side: resource.side,
    id: resource.id,
    ready: options.ready,
  })
  return { made, resource: ready }
}

/** Find → intent → start → record. */
async function findOrStart<K extends RdsKind>(
  options: Provision<K>,
): Promise<'created' | 'reused'> {
  const { ctx, runtime, resource } = options
  const rds = sessionFor(ctx, resource.side).clients.rds
  const existing = await tagsOf(rds, resource.kind, resource.id)
  if (existing !== undefined) {
    requireThisRun(ctx, resource, existing)
    runtime.log.info(
      `${labelOf(resource)} already exists and its tags prove this run made it (an earlier try): adopting it`,
    )
    runtime.note('reused')
    runtime.record(resource)
    return 'reused'
  }
  // Saved before the call: if the answer never comes back, the post step still knows where to look.
  runtime.record({ ...resource, intent: true })
  try {
    await options.start()
  } catch (error) {
    const made = await tagsOf(rds, resource.kind, resource.id)
    if (made === undefined) {
      runtime.release(resource)
      throw error
    }
    requireThisRun(ctx, resource, made)
    runtime.log.warning(
      `The create call of ${labelOf(resource)} answered ${awsErrorCode(error) ?? errorMessage(error)}, but it exists with this run's tags: an earlier try of the same call made it and its answer was lost. Adopting it.`,
    )
    runtime.note('adopted after a lost answer')
  }
  runtime.record(resource)
  return 'created'
}

function labelOf(resource: CreatedResource & { kind: RdsKind }): string {
  return `${READERS[resource.kind].label} ${resource.id}`
}

/** A resource under this run's name that the run did not make: refuse, and say what to do. */
function requireThisRun(
  ctx: RefreshContext,
  resource: CreatedResource & { kind: RdsKind },
  tags: readonly Tag[],
): void {
  const run = runOf(ctx)
  if (madeByRun(tags, run)) return
  const accountId = sessionFor(ctx, resource.side).accountId
  const isCopy = resource.disposal === 'copy'
  throw new ActionError({
    summary: `${labelOf(resource)} already exists in ${describeAccount(resource.side, accountId)} and this run did not make it (${describeOwner(tags)}); it is left untouched`,
    resource: resource.id,
    side: resource.side,
    accountId,
    hint: isCopy
      ? `Another run may be creating ${ctx.names.target} right now: wait for it and use if-exists: reuse, or choose another target.`
      : `This run (run id ${run.runId}) names its intermediates after its run id and attempt; another run with the same id (a run without GITHUB_RUN_ID is "local") or someone else made this one. If nothing needs it, remove it (${removalCommand(resource, ctx.settings.region)}) and re-run; otherwise re-run the workflow, whose new attempt uses new names.`,
  })
}
