/**
 * Lazily applied state changes: each is due at a simulated time and is applied (and recorded on
 * the timeline at exactly that time) the next time anything looks at RAM state.
 */
import type { Timeline, TimelineEvent } from '../../core/types.ts'

interface Scheduled {
  readonly time: number
  readonly seq: number
  readonly apply: () => TimelineEvent | undefined
  cancelled: boolean
}

/** A handle to cancel a change that has not happened yet. */
export interface ScheduledChange {
  cancel(): void
}

export class Scheduler {
  readonly timeline: Timeline
  readonly now: () => number
  private pending: Scheduled[] = []
  private seq = 0

  constructor(timeline: Timeline, now: () => number) {
    this.timeline = timeline
    this.now = now
  }

  /** Schedules `apply` at simulated `time`; it returns the timeline event to record, if any. */
  at(time: number, apply: () => TimelineEvent | undefined): ScheduledChange {
    const entry: Scheduled = { time, seq: this.seq++, apply, cancelled: false }
    this.pending.push(entry)
    return {
      cancel: () => {
        entry.cancelled = true
      },
    }
  }

  /** Applies every change due by now, in time order (ties in scheduling order). */
  settle(): void {
    const now = this.now()
    for (;;) {
      const due = this.pending
        .filter((e) => !e.cancelled && e.time <= now)
        .sort((a, b) => a.time - b.time || a.seq - b.seq)[0]
      if (!due) break
      this.pending = this.pending.filter((e) => e !== due)
      const event = due.apply()
      if (event) this.timeline.record(event)
    }
    this.pending = this.pending.filter((e) => !e.cancelled)
  }
}
