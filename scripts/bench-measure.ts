/**
 * What one refresh cost, read from the simulator's request log and timeline (never from what the
 * action reports), and the process probe (start time, peak RSS).
 *
 * Time is counted as it would pass against AWS: start-up in real time (it is the process's own
 * work), everything from the first request on in simulated time (AWS's durations, scaled).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RequestLogEntry, TimelineEvent } from '../sim/src/core/types.ts'

/** The AWS blog pipeline polls every 30 s. */
export const BLOG_POLL_SECONDS = 30

/** Statuses in which a resource is not changing. */
const STEADY = new Set([
  'available',
  'ACTIVE',
  'ACCEPTED',
  'created',
  'deleted',
  'DELETED',
  'active',
])

/** A describe counts toward a resource's polling only over waits at least this long. */
const MIN_WAIT_SECONDS = 120

export interface RunMeasure {
  readonly ok: boolean
  /** Process start to its first request (the OIDC token), real ms. */
  readonly startupMs: number
  /** Start-up, then the first request to the last, in simulated time. */
  readonly spanSeconds: number
  /** Union of the intervals in which a resource on the way to the copy was changing. */
  readonly criticalSeconds: number
  /** The blog pipeline's schedule on the same AWS durations (see blogSeconds). */
  readonly blogSeconds: number
  readonly requests: number
  /** The most describe calls per minute any one resource got while it was waited on. */
  readonly describesPerResourceMinute: number
  readonly peakRssMb: number
}

/** What the preloaded probe wrote when the process exited. */
export interface Probe {
  readonly timeOrigin: number
  readonly maxRssKb: number
}

/**
 * A `--require` module that records the process's start time and peak RSS on exit, in the file
 * BENCH_PROBE_FILE names; returns its path.
 */
export function writeProbeModule(dir: string): string {
  const path = join(dir, 'probe.cjs')
  writeFileSync(
    path,
    `const { writeFileSync } = require('node:fs')
process.on('exit', () => {
  writeFileSync(process.env.BENCH_PROBE_FILE, JSON.stringify({
    timeOrigin: performance.timeOrigin,
    maxRssKb: process.resourceUsage().maxRSS,
  }))
})
`,
  )
  return path
}

export function readProbe(path: string): Probe {
  return JSON.parse(readFileSync(path, 'utf8')) as Probe
}

export interface RunRecord {
  readonly ok: boolean
  readonly probe: Probe
  /** The requests this run made. */
  readonly requests: readonly RequestLogEntry[]
  /** Timeline events of this run's resources, from its start. */
  readonly events: readonly TimelineEvent[]
  readonly tempInstancePrefix?: string
}

export function measureRun(run: RunRecord): RunMeasure {
  const first = run.requests[0]
  const last = run.requests.at(-1)
  const startupMs = first ? first.startedAt - run.probe.timeOrigin : 0
  const simulatedSpan = first && last ? (last.time - first.time) / 1000 : 0
  const busy = busyIntervals(run.events)
  return {
    ok: run.ok,
    startupMs,
    spanSeconds: startupMs / 1000 + simulatedSpan,
    criticalSeconds: unionLength(busy) / 1000,
    blogSeconds: blogSeconds(busy, tempDeletion(run.events, run.tempInstancePrefix)),
    requests: run.requests.length,
    describesPerResourceMinute: describeRate(run.requests),
    peakRssMb: run.probe.maxRssKb / 1024,
  }
}

type Interval = [number, number]

/** The intervals in which a resource was changing state, its deletion excepted. */
export function busyIntervals(events: readonly TimelineEvent[]): Interval[] {
  const byResource = new Map<string, TimelineEvent[]>()
  for (const e of events) {
    const key = `${e.account}/${e.resourceType}/${e.identifier}`
    byResource.set(key, [...(byResource.get(key) ?? []), e])
  }
  const intervals: Interval[] = []
  for (const list of byResource.values()) {
    const sorted = [...list].sort((a, b) => a.time - b.time)
    for (let i = 0; i + 1 < sorted.length; i++) {
      const e = sorted[i] as TimelineEvent
      const next = sorted[i + 1] as TimelineEvent
      if (STEADY.has(e.status) || /delet/i.test(e.status)) continue
      intervals.push([e.time, next.time])
    }
  }
  return intervals
}

/** Overlapping intervals merged, in order. */
function merge(intervals: readonly Interval[]): Interval[] {
  const merged: Interval[] = []
  for (const [start, stop] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const previous = merged.at(-1)
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], stop)
    else merged.push([start, stop])
  }
  return merged
}

export function unionLength(intervals: readonly Interval[]): number {
  return merge(intervals).reduce((total, [start, stop]) => total + stop - start, 0)
}

/**
 * The AWS blog pipeline on the same AWS durations: each stretch of AWS work one after another,
 * each noticed half a 30 s poll late on average, and the temporary instance deleted (and waited
 * for) before the destination starts. A model, not a run of the blog's code.
 */
export function blogSeconds(busy: readonly Interval[], tempDeletionMs: number): number {
  const polled = (ms: number) => ms / 1000 + BLOG_POLL_SECONDS / 2
  const steps = merge(busy).reduce((total, [start, stop]) => total + polled(stop - start), 0)
  return steps + (tempDeletionMs > 0 ? polled(tempDeletionMs) : 0)
}

/** How long the relay's temporary instance took to delete (0 without one). */
function tempDeletion(events: readonly TimelineEvent[], prefix: string | undefined): number {
  if (prefix === undefined) return 0
  const temp = events.filter(
    (e) => e.resourceType === 'db-instance' && e.identifier.startsWith(prefix),
  )
  const start = temp.find((e) => e.status === 'deleting')?.time
  const end = temp.find((e) => e.status === 'deleted')?.time
  return start !== undefined && end !== undefined ? end - start : 0
}

/** Identifier members of RDS describe calls, and the filters that name resources. */
const ID_MEMBERS = [
  'DBClusterIdentifier',
  'DBInstanceIdentifier',
  'DBSnapshotIdentifier',
  'DBClusterSnapshotIdentifier',
]

function namedIn(input: Readonly<Record<string, unknown>>): string[] {
  const direct = ID_MEMBERS.map((m) => input[m]).filter((v): v is string => typeof v === 'string')
  const filters = Array.isArray(input.Filters) ? (input.Filters as { Values?: unknown }[]) : []
  const filtered = filters.flatMap((f) => (Array.isArray(f.Values) ? f.Values : []))
  // An ARN names the resource by its last part.
  return [...direct, ...filtered.map(String)].map((id) => id.split(':').at(-1) ?? id)
}

/**
 * Describe calls per minute per resource: for each resource, the calls naming it over the time
 * from the first to the last of them; the highest among resources waited on for two minutes or
 * more.
 */
export function describeRate(requests: readonly RequestLogEntry[]): number {
  const times = new Map<string, number[]>()
  for (const r of requests) {
    if (r.service !== 'rds' || !r.operation.startsWith('Describe') || r.fault) continue
    for (const id of namedIn(r.input)) {
      const key = `${r.account ?? ''}/${id}`
      times.set(key, [...(times.get(key) ?? []), r.time])
    }
  }
  let highest = 0
  for (const list of times.values()) {
    const seconds = ((list.at(-1) ?? 0) - (list[0] ?? 0)) / 1000
    if (seconds < MIN_WAIT_SECONDS) continue
    highest = Math.max(highest, (list.length - 1) / (seconds / 60))
  }
  return highest
}

/**
 * Whether AWS made the run's clone as a full copy (past 15 copy-on-write clones of one source):
 * its cluster took longer to create than a clone takes.
 */
export function wasFullCopy(events: readonly TimelineEvent[], cloneSeconds: number): boolean {
  const cluster = events.filter((e) => e.resourceType === 'db-cluster')
  const created = cluster.find((e) => e.status === 'creating')?.time
  const ready = cluster.find((e) => e.status === 'available')?.time
  return created !== undefined && ready !== undefined && ready - created > cloneSeconds * 1500
}

/** Requests per second at their busiest: the most requests in any `windowSeconds` window, per second. */
export function peakRate(requests: readonly RequestLogEntry[], windowSeconds: number): number {
  const times = requests.map((r) => r.time).sort((a, b) => a - b)
  let highest = 0
  let from = 0
  for (let to = 0; to < times.length; to++) {
    while ((times[to] as number) - (times[from] as number) >= windowSeconds * 1000) from += 1
    highest = Math.max(highest, to - from + 1)
  }
  return highest / windowSeconds
}
