import type { StepRuntime } from '../../engine/types.js'
import { ActionError, awsErrorCode, errorMessage } from '../../errors.js'
import type { RefreshContext } from '../common/context.js'
import {
  describeName,
  label,
  requestRename,
  waitUntilAnswers,
  type Described,
  type Move,
} from './rename.js'

/**
 * The renames of one swap, in stages: every move of a stage runs in parallel, a stage starts once
 * the one before has taken effect. Old copy away first, then the new copy into place.
 */
export type SwapStages = readonly (readonly Move[])[]

/** What a failed swap left, for the error and the summary. */
export interface SwapFailure {
  readonly failed: Move
  readonly cause: unknown
  readonly undone: readonly Move[]
  readonly notUndone: readonly { move: Move; cause: unknown }[]
  readonly target?: Described
  /** Resource ids of the copy replaced (if any) and of the new copy. */
  readonly copies: { readonly previous?: string; readonly next: string }
}

/**
 * Run the renames stage by stage. A rename counts as made once AWS accepted it. If any rename
 * fails, every rename made is undone in reverse order so the target name points to the database
 * it pointed to before, and the error says what failed and where everything is now.
 */
export async function runSwap(
  ctx: RefreshContext,
  runtime: StepRuntime,
  options: {
    stages: SwapStages
    /** The target name, and the resource ids of the old and the new copy, for the error. */
    target: { kind: Move['kind']; name: string; previous?: string; next: string }
  },
): Promise<void> {
  const made: Move[] = []
  for (const stage of options.stages) {
    const results = await Promise.allSettled(
      stage.map(async (move) => {
        runtime.log.info(`Renaming ${label(move.kind)} ${move.from} → ${move.to}`)
        try {
          await requestRename(ctx, move)
        } catch (cause) {
          throw new MoveError(move, cause)
        }
        made.push(move)
        try {
          await waitUntilAnswers(ctx, runtime, { ...move, name: move.to })
        } catch (cause) {
          throw new MoveError(move, cause)
        }
        runtime.log.info(`${label(move.kind)} ${move.to} answers as ${move.resourceId}`)
      }),
    )
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (!failure) continue
    const { move, cause } =
      failure.reason instanceof MoveError
        ? failure.reason
        : { move: stage[0] as Move, cause: failure.reason as unknown }
    // A cancel or the deadline is no reason to leave the target name empty: undo all the same.
    const rolledBack = await rollBack(ctx, runtime, made)
    const target = await describeName(ctx, options.target.kind, options.target.name).catch(
      () => undefined,
    )
    throw swapError(ctx, runtime, {
      failed: move,
      cause,
      ...rolledBack,
      target,
      copies: { previous: options.target.previous, next: options.target.next },
    })
  }
}

/** Time a roll-back may take past the run's deadline: a few renames (aws-reference E4). */
const ROLLBACK_MINUTES = 30

class MoveError extends Error {
  constructor(
    readonly move: Move,
    override readonly cause: unknown,
  ) {
    super(errorMessage(cause))
  }
}

/** Undo the renames made, newest first; each waits for the one it undoes to have taken effect. */
async function rollBack(
  ctx: RefreshContext,
  runtime: StepRuntime,
  made: readonly Move[],
): Promise<Pick<SwapFailure, 'undone' | 'notUndone'>> {
  const undone: Move[] = []
  const notUndone: { move: Move; cause: unknown }[] = []
  // Rolling back must not stop at the run's cancel signal or deadline: it is what leaves the
  // target name on a working database.
  const steady: StepRuntime = {
    ...runtime,
    signal: new AbortController().signal,
    deadline: Math.max(runtime.deadline, Date.now() + ROLLBACK_MINUTES * 60_000),
  }
  for (const move of [...made].reverse()) {
    const back: Move = { ...move, from: move.to, to: move.from }
    runtime.log.warning(`Rolling back: renaming ${label(move.kind)} ${back.from} → ${back.to}`)
    try {
      await waitUntilAnswers(ctx, steady, { ...move, name: move.to })
      await requestRename(ctx, back)
      await waitUntilAnswers(ctx, steady, { ...back, name: back.to })
      undone.push(move)
    } catch (cause) {
      notUndone.push({ move, cause })
      runtime.log.warning(
        `Could not rename ${label(move.kind)} ${back.from} back to ${back.to}: ${errorMessage(cause)}`,
      )
    }
  }
  return { undone, notUndone }
}

function swapError(ctx: RefreshContext, runtime: StepRuntime, failure: SwapFailure): ActionError {
  const { failed, cause, undone, notUndone, target, copies } = failure
  const what = `${label(failed.kind)} ${failed.from} → ${failed.to}`
  const rolled =
    undone.length === 0
      ? 'No rename had taken effect, so nothing was rolled back.'
      : `Rolled back: ${undone.map((m) => `${m.to} → ${m.from}`).join(', ')}.`
  const stuck = notUndone.map(({ move, cause: why }) => {
    return `${label(move.kind)} ${move.to} could not be renamed back to ${move.from} (${awsErrorCode(why) ?? errorMessage(why)})`
  })
  const which =
    target?.resourceId === copies.previous
      ? 'the previous copy'
      : target?.resourceId === copies.next
        ? 'the new copy'
        : 'resource'
  const now = target
    ? `${label(target.kind)} ${target.identifier} answers as ${which} (${target.resourceId}), status ${target.status}.`
    : `Nothing answers under the target name right now.`
  return ActionError.fromAws(cause, {
    summary: `Replace failed at the rename ${what}. ${rolled}${stuck.length > 0 ? ` NOT rolled back: ${stuck.join('; ')}.` : ''} ${now}`,
    step: runtime.name,
    resource: failed.from,
    side: 'destination',
    accountId: ctx.destination.accountId,
    hint:
      stuck.length > 0
        ? `Rename the resources listed as not rolled back by hand (aws rds modify-db-cluster / modify-db-instance --new-db-...-identifier --apply-immediately) so the target name holds the database you want; the new copy is removed by the post step only under its temporary name.`
        : 'The target name serves the previous copy again; the new copy under its temporary name is removed by the post step. Fix the cause and re-run.',
  })
}
