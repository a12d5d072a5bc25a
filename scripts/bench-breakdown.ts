/**
 * Where a run's time beyond the critical path went (`npm run bench -- --breakdown`), read from
 * the simulator's request log and timeline like every other bench figure.
 *
 * The span is the critical path (some resource on the way to the copy was changing) plus gaps in
 * which nothing was. Each gap starts when a resource settled (or at the first request) and ends
 * when the next change began (or at the last request); it splits into
 * - lag: from the settling to the first describe that saw it (the poll interval's share);
 * - calls: from there to the next change, the sequential requests the action made in between
 *   (their count and their time, which is real request latency × the clock scale).
 */
import type { RequestLogEntry, TimelineEvent } from '../sim/src/core/types.ts'
import { busyIntervals, type RunRecord } from './bench-measure.ts'

export interface Gap {
  /** What settled at the gap's start (`start` for the run's first request). */
  readonly after: string
  /** What began changing at its end (`end` for the run's last request). */
  readonly before: string
  readonly lagSeconds: number
  readonly callSeconds: number
  readonly calls: number
  /** The calls, as `operation +Δs` (simulated seconds after the one before). */
  readonly sequence: readonly string[]
}

export interface Breakdown {
  readonly startupSeconds: number
  readonly gaps: readonly Gap[]
  readonly lagSeconds: number
  readonly callSeconds: number
  readonly calls: number
  /** Server-side real time of every request, summed (ms): the simulator's own processing. */
  readonly serverMs: number
}

type Interval = readonly [number, number, string]

/** Busy intervals merged, each labelled with the resource whose change ended it last. */
function mergedWithLabels(events: readonly TimelineEvent[]): Interval[] {
  const labelled = busyIntervals(events).map(([start, stop]) => {
    const ended = events.find((e) => e.time === stop)
    const label = ended ? `${ended.resourceType} ${ended.identifier} → ${ended.status}` : '?'
    return [start, stop, label] as const
  })
  const merged: [number, number, string][] = []
  for (const [start, stop, label] of [...labelled].sort((a, b) => a[0] - b[0])) {
    const previous = merged.at(-1)
    if (previous && start <= previous[1]) {
      if (stop >= previous[1]) {
        previous[1] = stop
        previous[2] = label
      }
    } else merged.push([start, stop, label])
  }
  return merged
}

/** Whether a request names the resource a label is about (its identifier, or an ARN ending in it). */
function names(request: RequestLogEntry, label: string): boolean {
  const id = label.split(' ')[1] ?? ''
  return Object.values(request.input).some(
    (v) => typeof v === 'string' && (v === id || v.endsWith(`:${id}`)),
  )
}

/** What began changing at `time`, as a label. */
function beganAt(events: readonly TimelineEvent[], time: number): string {
  const e = events.find((event) => event.time === time)
  return e ? `${e.resourceType} ${e.identifier} → ${e.status}` : '?'
}

export function overheadBreakdown(run: RunRecord): Breakdown {
  const requests = [...run.requests].sort((a, b) => a.time - b.time)
  const first = requests[0]
  const last = requests.at(-1)
  if (!first || !last) {
    return { startupSeconds: 0, gaps: [], lagSeconds: 0, callSeconds: 0, calls: 0, serverMs: 0 }
  }
  const busy = mergedWithLabels(run.events)
  const bounds: [number, string][] = [[first.time, 'start']]
  const gaps: Gap[] = []
  for (const [start, stop, label] of busy) {
    const [from, after] = bounds.at(-1) as [number, string]
    if (start > from)
      gaps.push(gap(requests, { from, to: start, after, before: beganAt(run.events, start) }))
    bounds.push([stop, label])
  }
  const [from, after] = bounds.at(-1) as [number, string]
  if (last.time > from) gaps.push(gap(requests, { from, to: last.time, after, before: 'end' }))
  const sum = (f: (g: Gap) => number) => gaps.reduce((total, g) => total + f(g), 0)
  return {
    startupSeconds: (first.startedAt - run.probe.timeOrigin) / 1000,
    gaps,
    lagSeconds: sum((g) => g.lagSeconds),
    callSeconds: sum((g) => g.callSeconds),
    calls: sum((g) => g.calls),
    serverMs: requests.reduce((total, r) => total + ((r.endedAt ?? r.startedAt) - r.startedAt), 0),
  }
}

function gap(
  requests: readonly RequestLogEntry[],
  span: { from: number; to: number; after: string; before: string },
): Gap {
  const inside = requests.filter((r) => r.time >= span.from && r.time <= span.to)
  // The run's own start has nothing to notice; otherwise the first describe that names what settled.
  const seen =
    span.after === 'start'
      ? inside[0]
      : (inside.find((r) => r.operation.startsWith('Describe') && names(r, span.after)) ??
        inside[0])
  const seenAt = seen?.time ?? span.to
  const after = inside.filter((r) => r.time >= seenAt)
  const calls = after.length
  const sequence = after.map((r, i) => {
    const previous = i === 0 ? seenAt : (after[i - 1] as RequestLogEntry).time
    return `${r.operation} +${((r.time - previous) / 1000).toFixed(2)}`
  })
  return {
    sequence,
    after: span.after,
    before: span.before,
    lagSeconds: (seenAt - span.from) / 1000,
    callSeconds: (span.to - seenAt) / 1000,
    calls,
  }
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`

export function renderBreakdown(name: string, b: Breakdown): string {
  const lines = [
    `${name}: start-up ${s(b.startupSeconds)} (real), then ${b.gaps.length} gap(s) in which no resource was changing:`,
    ...b.gaps.map(
      (g) =>
        `  after ${g.after} → before ${g.before}: lag ${s(g.lagSeconds)}, then ${g.calls} call(s) in ${s(g.callSeconds)}\n    ${g.sequence.join(', ')}`,
    ),
    `  total: lag ${s(b.lagSeconds)}, calls ${s(b.callSeconds)} (${b.calls} call(s)); simulator's own processing, all requests: ${b.serverMs.toFixed(0)} ms real`,
  ]
  return lines.join('\n')
}
