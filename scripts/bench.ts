/**
 * `npm run bench`: how close each refresh comes to the fastest AWS allows, read from the
 * simulator (AWS-like durations, RDS's token bucket on simulated time) and never from what the
 * action reports. One table, one row per scenario (scripts/bench-scenarios.ts):
 * - critical path: the simulated time AWS spent changing resources on the way to the copy (the
 *   union of the intervals in which one was changing state, deletions excluded): the least any
 *   tool calling these APIs could take;
 * - the action, from process start: start-up (real time) and everything from its first request
 *   to its last (simulated time), pre-flight included;
 * - ratio = action / critical path;
 * - requests; describe calls per minute per resource waited on (the highest); peak RSS;
 * - the AWS blog pipeline modelled on the same durations (30 s polls, the temporary instance
 *   deleted before the destination starts), and the action's span against it.
 * Start-up is compared with a minimal ncc bundle of the same SDK stack, measured in the same run.
 *
 *   npm run bench                          # every scenario once, simulated time at 20×
 *   npm run bench -- --runs 3 --scale 30   # medians of 3
 *   npm run bench -- --only 'Aurora clone' # scenarios whose name contains it
 *   npm run bench -- --write               # also docs/bench.json and README.md's table
 *   npm run bench -- --only 'Multi-AZ' --write  # re-measure some rows, keep the others
 *   npm run bench -- --entry /tmp/x/index.js  # another build of the action, to compare
 *   npm run bench -- --only 'same account' --breakdown  # where the time beyond the path went
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import { productionFixture, ROLE_ARNS } from '../sim/fixtures/production.ts'
import type { RequestLogEntry } from '../sim/src/core/types.ts'
import { defaultDurations, RDS_THROTTLE, startSimulator, type Simulator } from '../sim/src/index.ts'
import {
  measureRun,
  peakRate,
  readProbe,
  wasFullCopy,
  writeProbeModule,
  type RunMeasure,
} from './bench-measure.ts'
import { overheadBreakdown, renderBreakdown, type Breakdown } from './bench-breakdown.ts'
import { SCENARIOS, type BenchScenario } from './bench-scenarios.ts'
import { buildMinimalBundle, measureStartup, median } from './bench-startup.ts'
import {
  RESULTS_PATH,
  renderTable,
  withTable,
  type BenchResults,
  type BenchRow,
  type Concurrency,
  type Overhead,
} from './bench-table.ts'
import { ROOT, runAction, type ActionRun } from './local-runner.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    // 20× keeps real request latency (a few ms, 60-100 ms simulated) small against minutes.
    scale: { type: 'string', default: '20' },
    only: { type: 'string' },
    // Another build of the action (e.g. one wait strategy against another); never with --write.
    entry: { type: 'string' },
    write: { type: 'boolean', default: false },
    // Where each single run's time beyond the critical path went (scripts/bench-breakdown.ts).
    breakdown: { type: 'boolean', default: false },
  },
})
const runs = Number(args.runs)
const scale = Number(args.scale)
/** The action's default poll interval, in simulated seconds. */
const POLL_SECONDS = 10

const declaredInputs = Object.keys(
  (parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
)
const workDir = mkdtempSync(join(tmpdir(), 'rds-refresh-bench-'))
const probeModule = writeProbeModule(workDir)

interface Launched {
  readonly run: ActionRun
  readonly target: string
  readonly probeFile: string
  /** Requests made from here on belong to the runs launched now. */
  readonly firstRequest: number
  readonly since: number
}

function startWorld(scenario: BenchScenario): Promise<Simulator> {
  return startSimulator({
    fixture: productionFixture(),
    scenario: {
      clockScale: scale,
      ...scenario.world,
      faults: { throttle: { ...RDS_THROTTLE, time: 'simulated' } },
    },
  })
}

async function launch(
  sim: Simulator,
  scenario: BenchScenario,
  target: string,
  extra: { runId: string; inputs?: Readonly<Record<string, string>> },
): Promise<Launched> {
  const probeFile = join(workDir, `${target}-${extra.runId}.json`)
  const firstRequest = sim.requests.length
  const since = sim.world.clock.now()
  const run = await runAction({
    inputs: {
      'aws-region': sim.region,
      'endpoint-url': sim.url,
      'source-role-arn': ROLE_ARNS.source,
      'poll-interval-seconds': String(POLL_SECONDS / scale),
      ...scenario.inputs,
      ...extra.inputs,
      target,
    },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken,
      GITHUB_RUN_ID: extra.runId,
      NODE_OPTIONS: `--require ${probeModule}`,
      BENCH_PROBE_FILE: probeFile,
    },
    post: false,
    ...(args.entry !== undefined && { entry: args.entry }),
  })
  return { run, target, probeFile, firstRequest, since }
}

/** This run's requests: by its run id in the user agent, else (one run at a time) all since it began. */
function requestsOf(sim: Simulator, launched: Launched, runId: string, alone: boolean) {
  const since = sim.requests.slice(launched.firstRequest)
  if (alone) return since
  return since.filter((r) => r.userAgent?.includes(`md/run#${runId}-`))
}

function eventsOf(sim: Simulator, launched: Launched, alone: boolean) {
  const events = sim.timeline.events.filter((e) => e.time >= launched.since)
  if (alone) return events
  const own = (id: string) => id === launched.target || id.startsWith(`${launched.target}-`)
  return events.filter((e) => own(e.identifier))
}

interface ScenarioRun {
  readonly measures: RunMeasure[]
  /** One per run when the scenario runs one refresh at a time. */
  readonly breakdowns: Breakdown[]
  readonly fullCopies: number
  readonly concurrency?: Concurrency
}

async function runScenario(scenario: BenchScenario, index: number): Promise<ScenarioRun> {
  const sim = await startWorld(scenario)
  try {
    const target = `${scenario.inputs.target ?? 'bench'}${index}`
    if (scenario.prepare) {
      const prepared = await launch(
        sim,
        { ...scenario, inputs: { ...scenario.inputs, 'if-exists': 'fail' } },
        target,
        {
          runId: '4000',
          inputs: scenario.prepare,
        },
      )
      if (prepared.run.exitCode !== 0)
        throw new Error(`${scenario.name}: preparing failed\n${prepared.run.log}`)
    }
    const count = scenario.concurrent ?? 1
    const alone = count === 1
    const ids = Array.from({ length: count }, (_, i) => `${5000 + i}`)
    const firstRequest = sim.requests.length
    const launched = await Promise.all(
      ids.map((runId, i) =>
        launch(sim, scenario, alone ? target : `${target}-${String(i + 1).padStart(2, '0')}`, {
          runId,
        }),
      ),
    )
    const records = launched.map((l, i) => ({
      ok: l.run.exitCode === 0,
      probe: readProbe(l.probeFile),
      requests: requestsOf(sim, l, ids[i] as string, alone),
      events: eventsOf(sim, l, alone),
      tempInstancePrefix: scenario.tempInstancePrefix,
    }))
    const breakdowns = alone ? records.map(overheadBreakdown) : []
    if (args.breakdown) {
      for (const b of breakdowns) console.log(renderBreakdown(scenario.name, b))
    }
    const measures = records.map(measureRun)
    const fullCopies = launched.filter((l) =>
      wasFullCopy(eventsOf(sim, l, false), defaultDurations.clusterClone),
    ).length
    return {
      measures,
      breakdowns,
      fullCopies: alone ? 0 : fullCopies,
      ...(!alone && {
        concurrency: concurrencyOf(sim.requests.slice(firstRequest), launched),
      }),
    }
  } finally {
    await sim.close()
  }
}

function concurrencyOf(
  requests: readonly RequestLogEntry[],
  launched: readonly Launched[],
): Concurrency {
  const rds = requests.filter((r) => r.service === 'rds')
  const throttling = /throttl|rate exceeded/i
  return {
    refreshes: launched.length,
    completed: launched.filter((l) => l.run.exitCode === 0).length,
    throttlingSeenByUser: launched.filter(
      (l) =>
        throttling.test(l.run.maskedLog) ||
        Object.values(l.run.outputs).some((v) => throttling.test(v)),
    ).length,
    throttledRequests: requests.filter((r) => r.fault === 'throttle').length,
    peakPerSecond: peakRate(rds, 1),
    peakPerMinute: peakRate(rds, 60),
    bucket: RDS_THROTTLE,
  }
}

/** The row: medians over runs; for concurrent refreshes the slowest of each figure. */
function rowOf(scenario: BenchScenario, results: readonly ScenarioRun[]): BenchRow {
  const all = results.flatMap((r) => r.measures)
  if (all.some((m) => !m.ok)) return { name: scenario.name, status: 'failed' }
  const pick = (f: (m: RunMeasure) => number) =>
    median(results.map((r) => Math.max(...r.measures.map(f))))
  const fullCopies = Math.max(...results.map((r) => r.fullCopies))
  const requests = median(results.map((r) => r.measures.reduce((n, m) => n + m.requests, 0)))
  return {
    name: scenario.name,
    status: 'ok',
    criticalSeconds: pick((m) => m.criticalSeconds),
    spanSeconds: pick((m) => m.spanSeconds),
    requests,
    describesPerResourceMinute: pick((m) => m.describesPerResourceMinute),
    peakRssMb: pick((m) => m.peakRssMb),
    blogSeconds: pick((m) => m.blogSeconds),
    ...(args.breakdown && { overhead: overheadOf(results.flatMap((r) => r.breakdowns)) }),
    ...(fullCopies > 0 && {
      note: `${fullCopies} made as full copies: AWS allows 15 copy-on-write clones per source; slowest run shown`,
    }),
  }
}

/** Medians of the runs' breakdowns; undefined for concurrent refreshes (no single path). */
function overheadOf(breakdowns: readonly Breakdown[]): Overhead | undefined {
  if (breakdowns.length === 0) return undefined
  const m = (f: (b: Breakdown) => number) => median(breakdowns.map(f))
  return {
    startupSeconds: m((b) => b.startupSeconds),
    waits: m((b) => b.gaps.filter((g) => g.after !== 'start').length),
    lagSeconds: m((b) => b.lagSeconds),
    calls: m((b) => b.calls),
    callSeconds: m((b) => b.callSeconds),
  }
}

async function startup(): Promise<BenchResults['startup']> {
  const minimalEntry = buildMinimalBundle(mkdtempSync(join(workDir, 'minimal-')))
  const sim = await startSimulator({
    fixture: productionFixture(),
    scenario: { clockScale: scale },
  })
  try {
    return await measureStartup({ sim, minimalEntry, probeModule, dir: workDir, times: 9 })
  } finally {
    await sim.close()
  }
}

/**
 * `--only … --write`: the scenarios just measured replace their rows in docs/bench.json, the
 * others keep theirs (a new scenario is measured without rerunning the whole bench).
 */
function withRowsReplaced(fresh: BenchResults): BenchResults {
  const previous = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as BenchResults
  const measured = new Map(fresh.rows.map((row) => [row.name, row]))
  const rows = SCENARIOS.map(
    (scenario) =>
      measured.get(scenario.name) ??
      previous.rows.find((row) => row.name === scenario.name) ?? {
        name: scenario.name,
        status: 'not built' as const,
      },
  )
  return { ...previous, rows }
}

async function main(): Promise<void> {
  const started = Date.now()
  const selected = SCENARIOS.filter((s) => !args.only || s.name.includes(args.only))
  console.log(`rds-refresh benchmark: ${runs} run(s) per scenario, simulated time at ${scale}×\n`)
  const startupResult = await startup()
  const rows: BenchRow[] = []
  let concurrency: Concurrency | undefined
  for (const scenario of selected) {
    if (scenario.needsInput && !declaredInputs.includes(scenario.needsInput)) {
      rows.push({ name: scenario.name, status: 'not built' })
      continue
    }
    const results: ScenarioRun[] = []
    for (let i = 0; i < runs; i++) results.push(await runScenario(scenario, i))
    const row = rowOf(scenario, results)
    rows.push(row)
    concurrency = results.find((r) => r.concurrency)?.concurrency ?? concurrency
    console.log(`${scenario.name}: ${row.status}`)
  }
  const results: BenchResults = {
    runs,
    scale,
    pollSeconds: POLL_SECONDS,
    minutes: (Date.now() - started) / 60_000,
    startup: startupResult,
    rows,
    ...(concurrency && { concurrency }),
  }
  console.log(`\n${renderTable(results)}`)
  if (args.write && args.entry === undefined) {
    const written = args.only === undefined ? results : withRowsReplaced(results)
    writeFileSync(RESULTS_PATH, `${JSON.stringify(written, null, 2)}\n`)
    const readme = join(ROOT, 'README.md')
    writeFileSync(readme, await withTable(readFileSync(readme, 'utf8'), written))
  }
  process.exitCode = rows.some((r) => r.status === 'failed') ? 1 : 0
}

try {
  await main()
} finally {
  rmSync(workDir, { recursive: true, force: true })
}
