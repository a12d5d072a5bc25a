/**
 * The bench's results (docs/bench.json) as the README's performance table, between
 * <!-- bench:start --> and <!-- bench:end -->.
 *
 *   node scripts/bench-table.ts            rewrite README.md's section from docs/bench.json
 *   node scripts/bench-table.ts --check    exit 1 when README.md differs from docs/bench.json, or
 *                                          docs/bench.json does not hold every bench scenario
 *   --readme <path> --results <path>       other files (tests use temporary copies)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'
import { ROOT } from './local-runner.ts'
import { SCENARIOS } from './bench-scenarios.ts'

export interface BenchRow {
  readonly name: string
  readonly status: 'ok' | 'failed' | 'not built'
  readonly criticalSeconds?: number
  readonly spanSeconds?: number
  readonly requests?: number
  readonly describesPerResourceMinute?: number
  readonly peakRssMb?: number
  readonly blogSeconds?: number
  /** What the row needs said (e.g. clones AWS made as full copies). */
  readonly note?: string
  /** Where the span beyond the critical path went (scripts/bench-breakdown.ts), one run at a time. */
  readonly overhead?: Overhead
}

/** The span beyond the critical path, in simulated seconds but start-up (real). */
export interface Overhead {
  readonly startupSeconds: number
  /** Settlings of a resource the action had to notice before its next step could start. */
  readonly waits: number
  /** From each settling to the first describe that saw it. */
  readonly lagSeconds: number
  /** The sequential requests between waits (and before the first, after the last). */
  readonly calls: number
  readonly callSeconds: number
}

export interface Concurrency {
  readonly refreshes: number
  readonly completed: number
  /** Runs whose log or outputs carried a throttling error. */
  readonly throttlingSeenByUser: number
  readonly throttledRequests: number
  readonly peakPerSecond: number
  readonly peakPerMinute: number
  readonly bucket: { readonly ratePerSecond: number; readonly burst: number }
}

export interface BenchResults {
  readonly runs: number
  readonly scale: number
  readonly pollSeconds: number
  readonly minutes: number
  readonly startup: { readonly actionMs: number; readonly minimalMs: number }
  readonly rows: readonly BenchRow[]
  readonly concurrency?: Concurrency
}

export const RESULTS_PATH = join(ROOT, 'docs', 'bench.json')
const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

const min = (seconds: number) => `${(seconds / 60).toFixed(1)} min`
const times = (ratio: number) => `${ratio.toFixed(3)}×`

/** The blog pipeline's schedule for a row: its own, or the scenario's it stands for (`blogAs`). */
function blogSecondsOf(r: BenchRow, rows: readonly BenchRow[]): { seconds: number; note?: string } {
  const blogAs = SCENARIOS.find((s) => s.name === r.name)?.blogAs
  if (!blogAs) return { seconds: r.blogSeconds ?? 0 }
  const seconds = rows.find((other) => other.name === blogAs)?.blogSeconds ?? 0
  return {
    seconds,
    note: `blog column as for “${blogAs}”: the blog pipeline cannot take this path`,
  }
}

function row(r: BenchRow, rows: readonly BenchRow[]): string {
  if (r.status !== 'ok' || r.criticalSeconds === undefined || r.spanSeconds === undefined) {
    return `| ${r.name} | ${r.status} | | | | | | | |`
  }
  const { seconds: blog, note: blogNote } = blogSecondsOf(r, rows)
  const notes = [r.note, blogNote].filter(Boolean).join('; ')
  return [
    '',
    r.name + (notes ? ` (${notes})` : ''),
    min(r.criticalSeconds),
    min(r.spanSeconds),
    times(r.spanSeconds / r.criticalSeconds),
    String(r.requests ?? ''),
    (r.describesPerResourceMinute ?? 0).toFixed(1),
    `${Math.round(r.peakRssMb ?? 0)} MB`,
    min(blog),
    blog > 0 ? times(r.spanSeconds / blog) : '',
    '',
  ]
    .join(' | ')
    .trim()
}

/** The section's markdown, unformatted. */
export function renderTable(results: BenchResults): string {
  const { startup, concurrency: c } = results
  const lines = [
    `Output of \`npm run bench\` (${results.runs} run(s) per scenario, medians; simulated time at ${results.scale}×, ${results.pollSeconds} s poll; ${results.minutes.toFixed(0)} min):`,
    '',
    '| scenario | critical path | action, from process start | ratio | requests | describes per resource-minute | peak RSS | AWS blog pipeline (model) | action / blog |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.rows.map((r) => row(r, results.rows)),
    '',
    `Start-up, process start to first request: the action ${Math.round(startup.actionMs)} ms, a minimal ncc bundle of the same SDK stack ${Math.round(startup.minimalMs)} ms (${(startup.actionMs / startup.minimalMs).toFixed(2)}×).`,
    ...overheadLines(results),
  ]
  if (c) {
    lines.push(
      '',
      `${c.refreshes} refreshes at once against RDS's bucket (${c.bucket.ratePerSecond} requests/s, burst ${c.bucket.burst}, per account): ${c.completed} of ${c.refreshes} completed, ${c.throttledRequests} requests throttled, ${c.throttlingSeenByUser} throttling errors reached a user; peak ${c.peakPerSecond.toFixed(1)} requests/s over any second, ${c.peakPerMinute.toFixed(2)}/s over any minute.`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** Where the time beyond the critical path went, for the rows measured with a breakdown. */
function overheadLines(results: BenchResults): string[] {
  const rows = results.rows.filter((r) => r.overhead && r.criticalSeconds)
  if (rows.length === 0) return []
  const s = (seconds: number) => `${seconds.toFixed(1)} s`
  return [
    '',
    'Beyond the critical path (`--breakdown`: poll lag from each settling to the describe that saw it; the sequential requests in between, whose real time counts × the clock scale; start-up):',
    '',
    ...rows.map((r) => {
      const o = r.overhead as Overhead
      const beyond = o.lagSeconds + o.callSeconds + o.startupSeconds
      return `- ${r.name}: ${s(beyond)} (${((100 * beyond) / (r.criticalSeconds ?? 1)).toFixed(1)}% of the path): lag ${s(o.lagSeconds)} over ${o.waits} wait(s), ${o.calls} sequential request(s) ${s(o.callSeconds)}, start-up ${s(o.startupSeconds)}.`
    }),
  ]
}

async function format(markdown: string): Promise<string> {
  const config = (await prettier.resolveConfig(join(ROOT, 'README.md'))) ?? {}
  return prettier.format(markdown, { ...config, parser: 'markdown' })
}

/** README with the section replaced; fails when the markers are missing. */
export async function withTable(readme: string, results: BenchResults): Promise<string> {
  const from = readme.indexOf(START)
  const to = readme.indexOf(END)
  if (from < 0 || to < from) throw new Error(`README.md needs the markers ${START} and ${END}.`)
  const body = await format(renderTable(results))
  return `${readme.slice(0, from + START.length)}\n\n${body}\n${readme.slice(to)}`
}

/** Scenario names the results lack or hold beyond the bench's list, for the drift check. */
export function scenarioDrift(results: BenchResults): string[] {
  const measured = results.rows.map((r) => r.name)
  const listed = SCENARIOS.map((s) => s.name)
  return [
    ...listed.filter((n) => !measured.includes(n)).map((n) => `not measured: ${n}`),
    ...measured.filter((n) => !listed.includes(n)).map((n) => `no longer a scenario: ${n}`),
  ]
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      readme: { type: 'string', default: join(ROOT, 'README.md') },
      results: { type: 'string', default: RESULTS_PATH },
    },
  })
  const results = JSON.parse(readFileSync(args.results, 'utf8')) as BenchResults
  const current = readFileSync(args.readme, 'utf8')
  const next = await withTable(current, results)
  if (!args.check) {
    if (next !== current) writeFileSync(args.readme, next)
    return
  }
  const drift = scenarioDrift(results)
  if (next !== current || drift.length > 0) {
    console.error(
      [
        `${args.readme}: the performance table differs from ${args.results}, or the results miss a bench scenario. Run \`npm run bench -- --write\` and commit both.`,
        ...drift,
      ].join('\n'),
    )
    process.exitCode = 1
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  })
}
