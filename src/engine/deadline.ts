/**
 * How a run stops before its end: the runner cancels it (SIGINT/SIGTERM), or its deadline
 * (`deadline-minutes`) passes. Either aborts one signal that every AWS call (through the clients'
 * request handler), every wait and every step obeys, so nothing in flight outlives it.
 */

import { ActionError } from '../errors.js'

export type StopCause = 'cancel' | 'deadline'

/** The reason a run's signal aborted. */
export class StopError extends Error {
  constructor(
    readonly stop: StopCause,
    message: string,
  ) {
    super(message)
    // CancelledError is the name every abort check already knows for a cancel.
    this.name = stop === 'cancel' ? 'CancelledError' : 'DeadlineError'
  }
}

/** The runner cancelled the job (it sends SIGINT, then SIGTERM). */
export function cancelledBy(signal: string): StopError {
  return new StopError('cancel', `The run was cancelled (${signal})`)
}

/** The deadline passed; `what` names the bound, e.g. `deadline-minutes (5)`. */
export function deadlinePassed(what: string): StopError {
  return new StopError('deadline', `${what} ran out`)
}

/** A signal that aborts when `outer` does or when `deadline` (epoch ms) passes. */
export interface BoundSignal {
  readonly signal: AbortSignal
  readonly deadline: number
  /** Clears the deadline timer once the work is over. */
  dispose(): void
}

/**
 * The run's signal: `outer` (the runner's cancel) or the deadline, whichever comes first. Its
 * timer is unref'd: it stops work that is still running, it never keeps a finished process alive.
 */
export function boundSignal(options: {
  readonly deadline: number
  readonly reason: () => StopError
  readonly outer?: AbortSignal
}): BoundSignal {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(options.reason()),
    Math.max(0, options.deadline - Date.now()),
  )
  timer.unref()
  const signal = options.outer
    ? AbortSignal.any([options.outer, controller.signal])
    : controller.signal
  return { signal, deadline: options.deadline, dispose: () => clearTimeout(timer) }
}

/**
 * How long calls already in flight get to answer after a stop. Steps stop at once; a create that
 * AWS answers within this time is recorded, so the post step knows to remove it, rather than cut
 * off with its answer lost. Control-plane calls answer within a second or two; a call that hangs is
 * cut off all the same.
 */
export const CALL_GRACE_MS = 3_000

/** A signal that aborts, with `signal`'s reason, `graceMs` after `signal` does: for AWS calls. */
export function afterGrace(signal: AbortSignal, graceMs = CALL_GRACE_MS): AbortSignal {
  const controller = new AbortController()
  const abortLater = (): void => {
    setTimeout(() => controller.abort(signal.reason), graceMs).unref()
  }
  if (signal.aborted) abortLater()
  else signal.addEventListener('abort', abortLater, { once: true })
  return controller.signal
}

/**
 * `work`, or the signal's reason as soon as the signal aborts: for awaits that cannot be aborted
 * themselves (the OIDC token request), so they cannot hold a stopped run.
 */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(stopReason(signal))
  let onAbort = (): void => undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(stopReason(signal))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort))
}

/** The signal's reason as an Error (an AbortSignal may abort with anything). */
export function stopReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  if (reason instanceof Error) return reason
  const error = new Error('The run was cancelled')
  error.name = 'CancelledError'
  return error
}

/**
 * Whether an error is (or was caused by) an abort: the SDK's `AbortError` from a call the signal
 * stopped, a stop reason, even when a step wrapped it in its own error.
 */
export function isAbortError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof StopError || e.name === 'AbortError' || e.name === 'CancelledError') {
      return true
    }
  }
  return false
}

/**
 * The error a stopped run reports: what stopped it, what was running, and what the post step
 * will do about what the run created.
 *
 * @param reason the signal's reason (a StopError; anything else passes through)
 * @param where what was running, e.g. `step "create-instances" was running`
 * @param postStep what the post step does, e.g. `the post step removes db-cluster pr-1 (…)`
 */
export function stoppedError(reason: unknown, where: string, postStep: string): Error {
  if (!(reason instanceof StopError)) {
    return reason instanceof Error ? reason : new Error(String(reason))
  }
  return new ActionError({
    summary: `${reason.message} while ${where}; ${postStep}`,
    hint:
      reason.stop === 'deadline'
        ? 'Raise deadline-minutes if the run needs more time. If a call never answered, check ' +
          "that the runner reaches the AWS endpoints and GitHub's OIDC token endpoint (README, 'Timeouts')."
        : undefined,
    cause: reason,
  })
}

/**
 * Work outside the plan's steps (signing in, reading the source), stopped by the run's signal as
 * a step is; a stop names the work and what the post step will do.
 *
 * @param signal the run's signal
 * @param what what the work is, e.g. `signing in to the accounts`
 * @param postStep what the post step will do if the run stops now (ledger.ts describePostStep)
 */
export async function stage<T>(
  signal: AbortSignal,
  what: string,
  postStep: () => string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await raceSignal(work(), signal)
  } catch (error) {
    if (!signal.aborted) throw error
    throw stoppedError(signal.reason, what, postStep())
  }
}
