import type { Timeline, TimelineEvent } from './core/types.ts'

/** An append-only record of resource state changes. */
export function createTimeline(): Timeline {
  const events: TimelineEvent[] = []
  return {
    events,
    record(event: TimelineEvent): void {
      events.push(Object.freeze({ ...event }))
    },
  }
}
