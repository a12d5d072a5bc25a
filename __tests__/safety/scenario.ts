/**
 * One safety scenario: a world, one or more runs of the bundled action (main and post) against
 * it, and the verdict read from the simulator: leftovers, changes to resources the runs did not
 * create, secrets outside mask lines, and for hostile inputs how early they were refused.
 */
import type { ChildProcess } from 'node:child_process'
import type { Faults, RequestLogEntry } from '../../sim/src/core/types.ts'
import type { ActionRun, Simulator, WorldOptions } from '../e2e/harness.ts'
import { runAction, startWorld } from '../e2e/harness.ts'
import { CallGate, describeGate, type GateSpec } from './gate.ts'
import {
  awsActed,
  census,
  changedResources,
  isMutating,
  keyOf,
  knownSecrets,
  leakedSecrets,
  newResources,
  unintendedChanges,
  type Census,
  type Resource,
} from './verdict.ts'
import { RUN_ID } from './world.ts'

export type Category =
  'hostile input' | 'signal' | 'lost answer' | 'fault' | 'hang' | 'race' | 'planted look-alike'

export type Signal = 'SIGINT' | 'SIGTERM' | 'SIGKILL'

/** Ten simulated minutes in a tenth of a second: AWS-like durations, short real runs. */
export const SAFETY_CLOCK_SCALE = 6000

export interface RunSpec {
  readonly inputs: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, string | undefined>>
  /** GITHUB_RUN_ID (default 4242): runs with one id are one workflow run and may share resources. */
  readonly runId?: string
  /** Signal the main step when the gate holds the run. */
  readonly signal?: { readonly name: Signal; readonly at: GateSpec }
  /**
   * Kill the step (SIGKILL) this many real seconds after its deadline (`deadline-minutes`) and
   * report it: for hangs, where the step must exit on its own within seconds of the deadline.
   */
  readonly exitWithinSeconds?: number
}

export interface RunRecord {
  readonly spec: RunSpec
  readonly run: ActionRun
  /** The gate was reached and the signal sent. */
  readonly signalled?: boolean
  /** Steps that had to be killed because they outlived their bound. */
  readonly overran: readonly string[]
}

/** What a scenario's own code gets: its world, and runs of the action in it. */
export interface Stage {
  readonly sim: Simulator
  /** The scenario's gate (`Scenario.gate`), holding the call it names until released. */
  readonly gate?: CallGate
  run(spec: RunSpec): Promise<RunRecord>
}

export interface Expectation {
  /** Hostile inputs: refused before any AWS call (`aws`), or before any change (`change`). */
  readonly refusedBefore?: 'aws' | 'change'
  /** The last run must succeed (faults that are ridden through). */
  readonly succeeds?: boolean
  /** Resources besides the finished copy that may stay on purpose (a source-phase hand-off). */
  readonly kept?: (resource: Resource) => boolean
  /** The finished copy must still exist at the end (a cleanup failure never removes it). */
  readonly copySurvives?: { readonly account: string; readonly id: string }
  /** Further checks; each returned string is a problem. */
  readonly check?: (outcome: Outcome) => string[]
}

export interface Scenario {
  readonly name: string
  readonly category: Category
  /** In the CI subset (the full catalogue runs with `npm run reliability` or SAFETY_FULL=1). */
  readonly ci?: boolean
  /**
   * The issue 7 finding this scenario waits for: it fails on today's code, so the suite marks it
   * `it.failing` until the fix lands (then this field goes).
   */
  readonly waitsFor?: string
  readonly world?: {
    readonly fixture?: WorldOptions['fixture']
    readonly faults?: Faults
    readonly clockScale?: number
    readonly credentialTimeScale?: number
    /** Whether AWS shares and restores a Multi-AZ DB cluster snapshot (default `refused`). */
    readonly multiAzSnapshotSharing?: 'refused' | 'share' | 'share-and-restore'
  }
  /** A call to hold for scenario code (races); a single run's signal brings its own. */
  readonly gate?: GateSpec
  /** The runs: one spec, or code for races and split jobs. */
  readonly runs: RunSpec | ((stage: Stage) => Promise<void>)
  readonly expect?: Expectation
}

export interface Outcome {
  readonly scenario: Scenario
  readonly before: Census
  readonly after: Census
  readonly requests: readonly RequestLogEntry[]
  readonly runs: readonly RunRecord[]
}

export interface Verdict {
  readonly name: string
  readonly category: Category
  readonly leftovers: readonly string[]
  readonly unintended: readonly string[]
  readonly secrets: readonly string[]
  /** Hostile inputs expected to be refused before any AWS call: whether they were. */
  readonly refusedBeforeAws?: boolean
  /** Every problem, the three above included. */
  readonly problems: readonly string[]
}

export async function runScenario(scenario: Scenario): Promise<Verdict> {
  const single = typeof scenario.runs === 'function' ? undefined : scenario.runs
  // The gate sits in the simulator's services from the start.
  const gateSpec = scenario.gate ?? single?.signal?.at
  const gate = gateSpec ? new CallGate(gateSpec) : undefined
  const sim = await startWorld({
    fixture: scenario.world?.fixture,
    scenario: {
      clockScale: scenario.world?.clockScale ?? SAFETY_CLOCK_SCALE,
      credentialTimeScale: scenario.world?.credentialTimeScale,
      faults: scenario.world?.faults,
      multiAzSnapshotSharing: scenario.world?.multiAzSnapshotSharing,
    },
    services: gate?.services(),
  })
  try {
    const before = census(sim)
    const runs: RunRecord[] = []
    const stage: Stage = {
      sim,
      gate,
      run: async (spec) => {
        const record = await runOnce(sim, spec, spec.signal ? gate : undefined)
        runs.push(record)
        return record
      },
    }
    if (single) await stage.run(single)
    else if (typeof scenario.runs === 'function') await scenario.runs(stage)
    const outcome: Outcome = {
      scenario,
      before,
      after: census(sim),
      requests: [...sim.requests],
      runs,
    }
    return judge(outcome, sim)
  } finally {
    gate?.release()
    await sim.close()
  }
}

/** One run, main and post; with a signal, sent when the gate holds the run. */
async function runOnce(sim: Simulator, spec: RunSpec, gate?: CallGate): Promise<RunRecord> {
  const overran: string[] = []
  let signalled = false
  const onSpawn = (child: ChildProcess, step: 'main' | 'post'): void => {
    const bound = boundOf(spec, step)
    if (bound !== undefined) {
      const timer = setTimeout(() => {
        overran.push(`${step} step still running ${bound} s after it started; killed`)
        child.kill('SIGKILL')
      }, bound * 1000)
      child.on('exit', () => clearTimeout(timer))
    }
    if (step !== 'main' || !gate || !spec.signal) return
    const signal = spec.signal.name
    child.on('exit', () => gate.release())
    void gate.reached.then(async () => {
      if (child.exitCode !== null) return
      signalled = true
      child.kill(signal)
      await handled(child, signal)
      gate.release()
    })
  }
  const run = await runAction({
    sim,
    inputs: spec.inputs,
    env: { GITHUB_RUN_ID: spec.runId ?? RUN_ID, ...spec.env },
    onSpawn,
  })
  if (gate && spec.signal && !signalled) {
    overran.push(`the signal point was never reached: ${describeGate(spec.signal.at)}`)
  }
  return { spec, run, signalled, overran }
}

/** The main step's bound: its deadline plus the allowed lag; the post step gets 90 s more. */
function boundOf(spec: RunSpec, step: 'main' | 'post'): number | undefined {
  if (spec.exitWithinSeconds === undefined) return undefined
  const minutes = Number(spec.inputs['deadline-minutes'] ?? '350')
  return step === 'main' ? minutes * 60 + spec.exitWithinSeconds : 90
}

/**
 * Resolves once the process has taken the signal: it printed about it, or it exited. A
 * process that does neither is let go after 15 s (the verdict still judges what it did).
 */
function handled(child: ChildProcess, signal: Signal): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const timer = setTimeout(done, 15_000)
    function done(): void {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      resolve()
    }
    function onData(chunk: Buffer): void {
      if (chunk.toString().includes(signal)) done()
    }
    child.stdout?.on('data', onData)
    child.once('exit', done)
  })
}

// ---------------------------------------------------------------------------------------------

function judge(outcome: Outcome, sim: Simulator): Verdict {
  const { scenario, runs } = outcome
  const expectation = scenario.expect ?? {}
  const leftovers = findLeftovers(outcome, expectation)
  const unintended = [
    ...unintendedChanges(outcome.requests, ownerOf(outcome)),
    ...changedResources(outcome.before, outcome.after),
  ]
  const secrets = runs.flatMap((record, index) => {
    const all = knownSecrets(sim, [...record.run.secrets, ...(record.run.post?.secrets ?? [])])
    const name = runs.length > 1 ? `run ${index + 1}` : 'run'
    return [
      ...leakedSecrets(record.run, all, `${name} main`),
      ...(record.run.post ? leakedSecrets(record.run.post, all, `${name} post`) : []),
    ]
  })
  const problems = [
    ...leftovers.map((l) => `left behind: ${l}`),
    ...unintended.map((u) => `unintended change: ${u}`),
    ...secrets.map((s) => `secret: ${s}`),
    ...runs.flatMap((r) => r.overran),
  ]
  let refusedBeforeAws: boolean | undefined
  if (expectation.refusedBefore) {
    const refusal = judgeRefusal(outcome, expectation.refusedBefore)
    refusedBeforeAws = expectation.refusedBefore === 'aws' ? refusal.length === 0 : undefined
    problems.push(...refusal)
  }
  const last = runs[runs.length - 1]?.run
  if (expectation.succeeds && last?.exitCode !== 0) {
    problems.push(`the run failed: ${errorLines(last?.log ?? '')}`)
  }
  if (expectation.copySurvives) {
    const { account, id } = expectation.copySurvives
    const copy = [...outcome.after.values()].find(
      (r) => r.account === account && r.id === id && r.type !== 'resource-shares',
    )
    if (!copy || copy.status === 'deleting') problems.push(`the finished copy ${id} was removed`)
  }
  problems.push(...(expectation.check?.(outcome) ?? []))
  return {
    name: scenario.name,
    category: scenario.category,
    leftovers,
    unintended,
    secrets,
    refusedBeforeAws,
    problems,
  }
}

/** Requests by workflow run: by the signing keys each run masked, or all of one lone run's. */
function ownerOf(outcome: Outcome): (request: RequestLogEntry) => string | undefined {
  const { runs } = outcome
  if (runs.length === 1) return () => runs[0]?.spec.runId ?? RUN_ID
  const byKey = new Map<string, string>()
  for (const record of runs) {
    for (const secret of [...record.run.secrets, ...(record.run.post?.secrets ?? [])]) {
      byKey.set(secret, record.spec.runId ?? RUN_ID)
    }
  }
  return (request) => {
    const owner = request.accessKeyId ? byKey.get(request.accessKeyId) : undefined
    if (owner === undefined && request.accessKeyId && isMutating(request) && awsActed(request)) {
      return `(unattributed key ${request.accessKeyId.slice(0, 4)}…)`
    }
    return owner
  }
}

/**
 * New resources at the end that should not be there. A run that succeeded keeps its copy (the
 * cluster or instance it reports, and the cluster's instances); a managed RAM share of the
 * source is kept by design (later runs and the clone use it).
 */
function findLeftovers(outcome: Outcome, expectation: Expectation): string[] {
  const copies = new Set<string>()
  for (const { run } of outcome.runs) {
    const id = run.outputs['cluster-identifier']
    const account = run.outputs['destination-account-id']
    if (run.exitCode === 0 && id && account) copies.add(`${account}/${id}`)
  }
  if (expectation.copySurvives) {
    copies.add(`${expectation.copySurvives.account}/${expectation.copySurvives.id}`)
  }
  return newResources(outcome.before, outcome.after)
    .filter((r) => {
      if (r.type === 'resource-shares') return r.tags['rds-refresh:managed'] !== 'true'
      if (r.type === 'db-clusters' || r.type === 'db-instances') {
        if (copies.has(`${r.account}/${r.id}`)) return false
        if (r.cluster && copies.has(`${r.account}/${r.cluster}`)) return false
      }
      return !(expectation.kept?.(r) ?? false)
    })
    .map((r) => `${keyOf(r)} (${r.status})`)
}

function judgeRefusal(outcome: Outcome, before: 'aws' | 'change'): string[] {
  const run = outcome.runs[0]?.run
  if (!run) return ['no run']
  const problems: string[] = []
  if (run.exitCode === 0) problems.push('the hostile input was accepted: the run succeeded')
  else if (!/^::error[^:]*::/m.test(run.log))
    problems.push('the run failed without an ::error:: line')
  if (before === 'aws' && outcome.requests.length > 0) {
    const first = outcome.requests[0]
    problems.push(
      `reached AWS before refusing: ${outcome.requests.length} request(s), first ${first?.service}:${first?.operation}`,
    )
  }
  const changes = outcome.requests.filter((r) => isMutating(r) && awsActed(r))
  if (changes.length > 0) {
    problems.push(
      `changed AWS before refusing: ${changes.map((r) => `${r.operation} in ${r.account}`).join(', ')}`,
    )
  }
  return problems
}

export function errorLines(log: string): string {
  return log
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .join(' | ')
    .slice(0, 400)
}
