import type { Tag } from '@aws-sdk/client-rds'
import { describeOwner, madeByRun, tagsOf } from '../../aws/ownership.js'
import { READERS } from '../../aws/rds-read.js'
import { removalCommand } from '../../cleanup.js'
import type { CreatedResource, StepRuntime } from '../../engine/types.js'
import { ActionError, awsErrorCode, describeAccount, errorMessage } from '../../errors.js'
import { runOf, sessionFor, type RefreshContext } from './context.js'

/**
 * Every create call of a refresh goes through here: find → intent → create → record. A resource
 * under the run's deterministic name is adopted only when its tags prove this run made it (a
 * re-run of the same attempt, or a create whose answer was lost); anything else under that name
 * is a collision and the run stops, naming it.
 */
export async function findOrCreate(options: {
  readonly ctx: RefreshContext
  readonly runtime: StepRuntime
  /** What the call creates: recorded as an intent before the call, as created after it. */
  readonly resource: CreatedResource
  readonly create: () => Promise<unknown>
}): Promise<'created' | 'reused'> {
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
    await options.create()
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

function labelOf(resource: CreatedResource): string {
  const reader = resource.kind in READERS ? READERS[resource.kind as keyof typeof READERS] : null
  return `${reader?.label ?? resource.kind} ${resource.id}`
}

/** A resource under this run's name that the run did not make: refuse, and say what to do. */
function requireThisRun(
  ctx: RefreshContext,
  resource: CreatedResource,
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
