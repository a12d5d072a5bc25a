/**
 * When a wait describes its resource. Every wait may spend at most one describe call per poll
 * interval on average (6 a minute at the default 10 s), counted from the wait's start; within that
 * budget it polls
 * - on a fixed interval, without jitter: a finished step is noticed half an interval late on
 *   average, where the SDK waiters' growing, jittered delays let it sit up to two intervals;
 * - sooner when the resource's PercentProgress says when it will be done, saving calls while the
 *   end is far off to spend them close to it;
 * - less often while AWS throttles: every wait of every run in the account meets the same token
 *   bucket, so they all back off together, and pick up the interval again after an answer.
 */

/** Checks per poll interval: how finely a poll can be placed (1 s at the default 10 s). */
export const TICKS_PER_POLL = 10

/** The closest two polls come when spending saved calls: a fifth of the interval. */
const CLOSEST_FRACTION = 5

/** The longest a throttled wait stretches its interval: 8 × 10 s. */
const MAX_BACKOFF = 8

/** Progress extrapolated further ahead than this many intervals lets the wait poll half as often. */
const FAR_INTERVALS = 3

/** One answer of a describe call, as the schedule needs it. */
export interface PollOutcome {
  /** PercentProgress of the resource, when AWS reports one. */
  readonly progress?: number
  /** AWS throttled the call. */
  readonly throttled?: boolean
}

interface ProgressPoint {
  readonly at: number
  readonly percent: number
}

export class PollSchedule {
  private polls = 0
  private lastPollAt: number | undefined
  private backoff = 1
  private firstProgress: ProgressPoint | undefined
  private lastProgress: ProgressPoint | undefined

  /**
   * @param pollMs the poll interval: the budget's rate and the interval without better knowledge
   * @param startedAt when the wait started (ms); the budget counts from here
   */
  constructor(
    private readonly pollMs: number,
    private readonly startedAt: number,
  ) {}

  /** Whether to describe now: the planned time has come and the budget holds a call. */
  due(now: number): boolean {
    return now >= this.nextAt() && this.budget(now) >= 1
  }

  /** Records a describe call sent at `now` and what it answered. */
  record(now: number, outcome: PollOutcome): void {
    this.polls += 1
    this.lastPollAt = now
    this.backoff = outcome.throttled ? Math.min(this.backoff * 2, MAX_BACKOFF) : 1
    if (outcome.progress === undefined || outcome.throttled) return
    // PercentProgress is a whole number, cut down: 99 means somewhere in [99, 100).
    const point = { at: now, percent: Math.min(outcome.progress + 0.5, 100) }
    if (this.firstProgress === undefined || point.percent < this.firstProgress.percent) {
      this.firstProgress = point
    }
    this.lastProgress = point
  }

  /** Calls the budget holds at `now`: one to start with, one more per interval since the start. */
  budget(now: number): number {
    return 1 + (now - this.startedAt) / this.pollMs - this.polls
  }

  /** When the next describe is planned (ms), before the budget's say. */
  nextAt(): number {
    if (this.lastPollAt === undefined) return this.startedAt
    const regular = this.lastPollAt + this.pollMs * this.backoff
    const done = this.backoff === 1 ? this.expectedDoneAt() : undefined
    if (done === undefined) return regular
    if (done <= regular) return Math.max(done, this.lastPollAt + this.pollMs / CLOSEST_FRACTION)
    if (done - this.lastPollAt > FAR_INTERVALS * this.pollMs)
      return this.lastPollAt + 2 * this.pollMs
    return regular
  }

  /** When PercentProgress reaches 100 at the rate it has moved so far; undefined if it has not. */
  private expectedDoneAt(): number | undefined {
    const first = this.firstProgress
    const last = this.lastProgress
    if (!first || !last || last.at <= first.at || last.percent <= first.percent) return undefined
    const rate = (last.percent - first.percent) / (last.at - first.at)
    return last.at + (100 - last.percent) / rate
  }
}
