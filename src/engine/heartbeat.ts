/**
 * A line at a steady interval while a long wait goes on, so that nobody cancels a healthy run that
 * has printed nothing for forty minutes: how long it has waited, the status, AWS's
 * `PercentProgress` where it gives one, and from it an estimate of what is left.
 */
import type { StepLog } from './types.js'

/** The heartbeat comes every this many poll intervals: once a minute at the default 10 s. */
export const HEARTBEAT_POLLS = 6

export interface HeartbeatOptions {
  /** What is awaited, e.g. `DB cluster pr-123`. */
  readonly resource: string
  readonly log: StepLog
  readonly everyMs: number
  /** Formats a duration for the log (the wait's own format). */
  readonly format: (ms: number) => string
}

export interface Heartbeat {
  /** The latest status seen, and its progress when AWS gives one. */
  seen(status: string, percent?: number): void
  stop(): void
}

/** A progress line: live even while overlapping steps hold their other lines back. */
export function logProgress(log: StepLog, message: string): void {
  if (log.progress) log.progress(message)
  else log.info(message)
}

export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const started = Date.now()
  let status: string | undefined
  let percent: number | undefined
  const timer = setInterval(() => {
    if (status === undefined) return
    logProgress(
      options.log,
      describeBeat({ ...options, status, percent, elapsedMs: Date.now() - started }),
    )
  }, options.everyMs)
  // A wait that ends with the process must not be kept alive by its heartbeat.
  timer.unref()
  return {
    seen(nextStatus, nextPercent) {
      status = nextStatus
      percent = nextPercent
    },
    stop: () => clearInterval(timer),
  }
}

export function describeBeat(beat: {
  readonly resource: string
  readonly status: string
  readonly percent?: number
  readonly elapsedMs: number
  readonly format: (ms: number) => string
}): string {
  const waited = `${beat.resource}: waited ${beat.format(beat.elapsedMs)}, ${beat.status}`
  if (beat.percent === undefined) return waited
  const left = estimateLeftMs(beat.percent, beat.elapsedMs)
  return left === undefined
    ? `${waited}, ${beat.percent}% done`
    : `${waited}, ${beat.percent}% done, about ${beat.format(left)} left`
}

/**
 * What is left if the rest goes as fast as the part seen so far: none before the first percent
 * (nothing to go on) or at 100. The percentage counts from the start of the operation, so a wait
 * that began later (a re-run finding a copy under way) sees a rosier pace than the real one.
 */
export function estimateLeftMs(percent: number, elapsedMs: number): number | undefined {
  if (percent < 1 || percent >= 100) return undefined
  return (elapsedMs * (100 - percent)) / percent
}
