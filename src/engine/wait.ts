import { createWaiter, WaiterState, type WaiterResult } from '@smithy/util-waiter'
import { ActionError, awsErrorCode, errorMessage, isNotFound } from '../errors.js'
import { isThrottling } from '../aws/error-codes.js'
import { HEARTBEAT_POLLS, logProgress, startHeartbeat } from './heartbeat.js'
import { PollSchedule, TICKS_PER_POLL } from './poll-schedule.js'
import type { AccountSide, StepLog, StepRuntime } from './types.js'

/**
 * Statuses from which a resource never becomes available. The SDK's own waiters miss most of
 * these and poll them until the time limit (aws-reference 0.1); we stop at once.
 */
export const FAILURE_STATUSES: readonly string[] = [
  'failed',
  'deleting',
  'deleted',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'cloning-failed',
  'migration-failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'restore-error',
  'insufficient-capacity',
  'storage-full',
  'error',
]

/** How often a freshly created resource may answer "not found" before that counts (eventual consistency). */
const NOT_FOUND_GRACE_POLLS = 3

export interface WaitSpec<T> {
  /** What is awaited, for the log and errors, e.g. `DB cluster pr-123`. */
  readonly resource: string
  readonly side: AccountSide
  readonly accountId: string
  /** Describe the resource; undefined when AWS says it does not exist. */
  readonly describe: () => Promise<T | undefined>
  readonly status: (item: T) => string
  /** `gone`: until describe returns undefined; otherwise the statuses that mean done. */
  readonly until: 'gone' | readonly string[]
  /** Defaults to FAILURE_STATUSES when waiting for a status, none when waiting for `gone`. */
  readonly failOn?: readonly string[]
  readonly progress?: (item: T) => number | undefined
  /** Extra condition on top of the status (e.g. the renamed identifier answers). */
  readonly ready?: (item: T) => boolean
}

export interface WaitContext {
  readonly step: string
  readonly log: StepLog
  readonly signal: AbortSignal
  readonly deadline: number
  readonly pollSeconds: number
}

/** How a step waits: under its name, log, signal and deadline, at the run's poll interval. */
export function stepWaitContext(runtime: StepRuntime, pollSeconds: number): WaitContext {
  return {
    step: runtime.name,
    log: runtime.log,
    signal: runtime.signal,
    deadline: runtime.deadline,
    pollSeconds,
  }
}

export function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}

/** Errors worth another poll: throttling, server faults, the network. Everything else is permanent. */
export function isTransient(error: unknown): boolean {
  const e = error as {
    $metadata?: { httpStatusCode?: number }
    $retryable?: unknown
    name?: string
  }
  if (e?.$retryable || isThrottling(error)) return true
  const code = awsErrorCode(error)
  const status = e?.$metadata?.httpStatusCode
  if (status === undefined)
    return !code || code === 'TimeoutError' || /ECONN|ETIMEDOUT|socket/i.test(String(error))
  return status >= 500
}

/**
 * Poll until the resource reaches one of `spec.until`, logging every status change with the
 * elapsed time. Fails at once on a failure status or a permanent error, and with a clear timeout
 * error at the run's deadline. The SDK's waiter runs the loop on a fine tick (a fifth of the
 * interval); PollSchedule decides on which ticks AWS is asked.
 */
export async function waitFor<T>(spec: WaitSpec<T>, ctx: WaitContext): Promise<T> {
  const started = Date.now()
  const failOn = spec.failOn ?? (spec.until === 'gone' ? [] : FAILURE_STATUSES)
  let lastSeen: string | undefined
  let latest: T | undefined
  let seen = false
  let notFound = 0

  const schedule = new PollSchedule(ctx.pollSeconds * 1000, started)
  const check = async (): Promise<WaiterResult> => {
    const sentAt = Date.now()
    if (!schedule.due(sentAt)) return { state: WaiterState.RETRY }
    const answer = await describeOnce(spec, ctx)
    if ('transient' in answer) {
      // No answer about the resource: poll again, later still while AWS throttles.
      schedule.record(sentAt, { throttled: answer.throttled })
      return { state: WaiterState.RETRY }
    }
    const { item } = answer
    schedule.record(sentAt, { progress: item && spec.progress?.(item) })
    if (item === undefined) {
      if (spec.until === 'gone') return { state: WaiterState.SUCCESS }
      notFound += 1
      if (seen || notFound > NOT_FOUND_GRACE_POLLS) {
        throw new ActionError({
          summary: `${spec.resource} disappeared while waiting for it to become ${describeUntil(spec)}`,
          step: ctx.step,
          resource: spec.resource,
          side: spec.side,
          accountId: spec.accountId,
          hint: 'Something else deleted or renamed it; check the account for other automation.',
        })
      }
      logChange(`not found yet`)
      return { state: WaiterState.RETRY }
    }
    seen = true
    latest = item
    const status = spec.status(item)
    const progress = spec.progress?.(item)
    heartbeat.seen(status, progress)
    logChange(progress === undefined ? status : `${status} ${progress}%`)
    if (failOn.includes(status)) {
      throw new ActionError({
        summary: `${spec.resource} went into status '${status}'`,
        step: ctx.step,
        resource: spec.resource,
        side: spec.side,
        accountId: spec.accountId,
        hint: hintForStatus(status),
      })
    }
    if (spec.until !== 'gone' && spec.until.includes(status) && (spec.ready?.(item) ?? true)) {
      return { state: WaiterState.SUCCESS }
    }
    return { state: WaiterState.RETRY }
  }

  const logChange = (text: string): void => {
    if (text === lastSeen) return
    lastSeen = text
    logProgress(ctx.log, `${spec.resource}: ${text} (${formatElapsed(Date.now() - started)})`)
  }

  const remainingSeconds = (ctx.deadline - Date.now()) / 1000
  if (remainingSeconds <= ctx.pollSeconds) throw timeoutError(spec, ctx, lastSeen)
  const heartbeat = startHeartbeat({
    resource: spec.resource,
    log: ctx.log,
    everyMs: ctx.pollSeconds * 1000 * HEARTBEAT_POLLS,
    format: formatElapsed,
  })
  const result = await createWaiter(
    {
      client: undefined,
      maxWaitTime: remainingSeconds,
      minDelay: ctx.pollSeconds / TICKS_PER_POLL,
      maxDelay: ctx.pollSeconds / TICKS_PER_POLL,
      abortSignal: ctx.signal,
    },
    undefined,
    check,
  ).finally(() => heartbeat.stop())
  if (result.state === WaiterState.SUCCESS) {
    return latest as T
  }
  if (result.state === WaiterState.ABORTED) throw abortError(ctx)
  throw timeoutError(spec, ctx, lastSeen)
}

async function describeOnce<T>(
  spec: WaitSpec<T>,
  ctx: WaitContext,
): Promise<{ item: T | undefined } | { transient: true; throttled: boolean }> {
  try {
    return { item: await spec.describe() }
  } catch (error) {
    if (isNotFound(error)) return { item: undefined }
    if (isTransient(error)) {
      ctx.log.debug(`${spec.resource}: transient error while polling: ${errorMessage(error)}`)
      return { transient: true, throttled: isThrottling(error) }
    }
    throw ActionError.fromAws(error, {
      summary: `Could not read the status of ${spec.resource}`,
      step: ctx.step,
      resource: spec.resource,
      side: spec.side,
      accountId: spec.accountId,
    })
  }
}

function describeUntil<T>(spec: WaitSpec<T>): string {
  return spec.until === 'gone' ? 'deleted' : spec.until.join(' or ')
}

function hintForStatus(status: string): string {
  if (status.startsWith('inaccessible-encryption-credentials')) {
    return 'The KMS key is not usable by this account: check the key policy grants the destination account kms:Decrypt, kms:CreateGrant and kms:DescribeKey, and that the key is enabled.'
  }
  if (status === 'incompatible-restore' || status === 'restore-error') {
    return 'AWS could not restore the data into this configuration; check the instance class, storage and parameter group are valid for the engine version, then delete the failed copy and retry.'
  }
  if (status === 'insufficient-capacity') {
    return "AWS has no capacity for this instance class in the subnet group's Availability Zones right now; try another instance-class or retry later."
  }
  if (status === 'cloning-failed') {
    return 'The copy-on-write clone failed; retry, or use method: full-copy or relay.'
  }
  if (status === 'deleting' || status === 'deleted') {
    return 'Something else is deleting it; check for other automation acting on this account.'
  }
  return 'Look at the RDS events for this resource in the console for the cause.'
}

function timeoutError<T>(
  spec: WaitSpec<T>,
  ctx: WaitContext,
  lastSeen: string | undefined,
): ActionError {
  return new ActionError({
    summary: `Timed out waiting for ${spec.resource} to become ${describeUntil(spec)} (last status: ${lastSeen ?? 'unknown'})`,
    step: ctx.step,
    resource: spec.resource,
    side: spec.side,
    accountId: spec.accountId,
    hint: 'Raise deadline-minutes (at most 350, under the 6-hour job limit), or look at why the resource is slow in the RDS console.',
  })
}

function abortError(ctx: WaitContext): Error {
  const reason: unknown = ctx.signal.reason
  if (reason instanceof Error) return reason
  const error = new Error(`Step ${ctx.step} was cancelled`)
  error.name = 'AbortError'
  return error
}
