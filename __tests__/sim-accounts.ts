/**
 * Unit tests against the simulator in-process: real SDK clients (as the action builds them) for
 * each fixture account, signed with the account's static keys, and a RefreshContext built by the
 * action's own factory. Plans then run through runPlan against the simulator's RDS, KMS and RAM,
 * and tests assert on its request log and inventory, as the end-to-end tests do.
 */
import type { AccountSession } from '../src/credentials.js'
import { createClients } from '../src/aws/clients.js'
import { runPlan, type PlanResult } from '../src/engine/engine.js'
import { Ledger } from '../src/engine/ledger.js'
import type { AccountSide } from '../src/engine/types.js'
import { createRefreshContext, type RefreshContext } from '../src/methods/common/context.js'
import { detectSource, type SourceDatabase } from '../src/methods/common/detect.js'
import type { Settings } from '../src/settings.js'
import type { RequestLogEntry } from '../sim/src/core/types.ts'
import { productionFixture } from '../sim/fixtures/production.ts'
import { startWorld, type Simulator, type WorldOptions } from './e2e/harness.js'

export type { Simulator }

/**
 * Simulated seconds per real second: a 20-minute snapshot takes about 10 ms, so a whole relay
 * runs in well under a second. Nothing asserted depends on how long anything took.
 */
export const UNIT_CLOCK_SCALE = 100_000

/** A world for unit tests: the e2e fixture (optionally changed) on a fast clock. */
export function startUnitWorld(options: WorldOptions = {}): Promise<Simulator> {
  return startWorld({ ...options, scenario: { clockScale: UNIT_CLOCK_SCALE, ...options.scenario } })
}

/** One account's clients against the simulator, signed with the fixture account's static keys. */
export function accountSession(sim: Simulator, account: string, side: AccountSide): AccountSession {
  const keys = productionFixture().accounts.find((a) => a.id === account)?.staticCredentials?.[0]
  if (!keys) throw new Error(`the fixture has no static keys for account ${account}`)
  const clients = createClients({
    region: sim.region,
    endpoint: sim.url,
    credentials: async () => keys,
    maxAttempts: 1,
    userAgent: { repository: 'acme/app', runId: '42', runAttempt: '1' },
  })
  return {
    role: side,
    accountId: account,
    callerArn: `arn:aws:iam::${account}:user/unit-test`,
    clients,
  }
}

/** A recording stand-in for the engine's output (log lines as a job would print them). */
export interface RecordedOutput {
  readonly lines: string[]
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  startGroup(message: string): void
  endGroup(): void
}

function recordedOutput(): RecordedOutput {
  const lines: string[] = []
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`WARNING ${m}`),
    debug: () => undefined,
    startGroup: (m) => lines.push(`::group::${m}`),
    endGroup: () => lines.push('::endgroup::'),
  }
}

export interface SimRun {
  readonly sim: Simulator
  readonly ctx: RefreshContext
  readonly ledger: Ledger
  readonly output: RecordedOutput
  /** How many requests the simulator had served when the context was ready. */
  readonly mark: number
}

export interface ContextOptions {
  readonly settings: Settings
  readonly sourceAccount: string
  readonly destinationAccount: string
  /** The source identifier to detect (default `settings.source.identifier`). */
  readonly source?: string
  /** A source already read (a destination-phase job reads it from the shared snapshot). */
  readonly sourceDb?: SourceDatabase
  /** A destination-phase job with one role: its "source" session is the destination's. */
  readonly destinationRoleOnly?: boolean
}

/** A RefreshContext over simulator accounts, as main.ts builds it after opening the accounts. */
export async function simContext(sim: Simulator, options: ContextOptions): Promise<SimRun> {
  const destination = accountSession(sim, options.destinationAccount, 'destination')
  const sameAccount = options.sourceAccount === options.destinationAccount
  const source =
    options.destinationRoleOnly || sameAccount
      ? { ...destination, role: 'source' as const }
      : accountSession(sim, options.sourceAccount, 'source')
  const identifier = options.source ?? options.settings.source?.identifier ?? ''
  const sourceDb = options.sourceDb ?? (await detectSource(source, { identifier }))
  const ctx = createRefreshContext({
    settings: options.settings,
    accounts: { source, destination, sameAccount },
    sourceDb,
    sameAccount,
    method: 'relay',
    target: options.settings.target ?? '',
    startedAt: Date.now(),
  })
  return {
    sim,
    ctx,
    ledger: new Ledger(() => undefined),
    output: recordedOutput(),
    mark: sim.requests.length,
  }
}

/** Runs a plan of the context's method as the engine runs it in a job. */
export function runSimPlan(
  run: SimRun,
  plan: Parameters<typeof runPlan<RefreshContext>>[0],
): Promise<PlanResult> {
  return runPlan(plan, run.ctx, {
    output: run.output,
    ledger: run.ledger,
    deadline: Date.now() + 60_000,
  })
}

/** A request the simulator served, in the shape the tests compare. */
export interface Call {
  readonly account: string
  readonly op: string
  readonly input: Readonly<Record<string, unknown>>
}

/** The calls since the context was ready (the source's detection is not counted). */
export function callsOf(run: SimRun, account?: string): Call[] {
  return run.sim.requests
    .slice(run.mark)
    .filter((r: RequestLogEntry) => account === undefined || r.account === account)
    .map((r) => ({ account: r.account ?? '', op: r.operation, input: r.input }))
}

/** Operation names since the context was ready, optionally of one account. */
export function opsOf(run: SimRun, account?: string): string[] {
  return callsOf(run, account).map((c) => c.op)
}

/** The first call of an operation since the context was ready. */
export function callOf(run: SimRun, op: string, account?: string): Call | undefined {
  return callsOf(run, account).find((c) => c.op === op)
}
