/**
 * End-to-end harness: the local AWS simulator in-process, the bundled action run as the GitHub
 * runner runs it (scripts/local-runner.ts), and helpers to assert on what AWS saw.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim/src/index.ts'
import { productionFixture, ROLE_ARNS } from '../../sim/fixtures/production.ts'
import {
  runAction as runLocal,
  type ActionRun,
  type RunOptions,
} from '../../scripts/local-runner.ts'

export { ROLE_ARNS }
export type { ActionRun, Simulator }

export const REGION = 'us-east-1'
export const ACCOUNTS = {
  production: '111111111111',
  staging: '222222222222',
  partner: '333333333333',
} as const
export const KEYS = {
  production: `arn:aws:kms:${REGION}:111111111111:alias/rds-prod`,
  staging: `arn:aws:kms:${REGION}:222222222222:alias/rds-staging`,
  partner: `arn:aws:kms:${REGION}:333333333333:alias/rds-staging`,
} as const

type Fixture = ReturnType<typeof productionFixture>

export interface WorldOptions {
  readonly scenario?: SimulatorOptions['scenario']
  /** Change the production-like fixture before the world starts. */
  readonly fixture?: (fixture: Fixture) => Fixture
  /** Wrap the simulator's services (the safety suite holds chosen calls to signal the run). */
  readonly services?: SimulatorOptions['services']
}

/**
 * Default scale: fifty simulated minutes pass in one real second, so a relay's hours of snapshots
 * and restores take seconds. Assertions never depend on it: the action polls until AWS is done.
 */
export const FAST_SCALE = 3000
/**
 * Ten simulated minutes per real second: for tests that shape durations (`scenario.durations`) to
 * keep a resource in a state long enough to act on it (a cancel, a second run), and ask for it.
 */
export const TIMED_SCALE = 600

export async function startWorld(options: WorldOptions = {}): Promise<Simulator> {
  const fixture = options.fixture ? options.fixture(productionFixture()) : productionFixture()
  const clockScale = options.scenario?.durations ? TIMED_SCALE : FAST_SCALE
  return startSimulator({
    fixture,
    scenario: { clockScale, ...options.scenario },
    services: options.services,
  })
}

export interface E2eRun {
  readonly sim: Simulator
  readonly inputs: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly post?: boolean
  readonly cancelAfterMs?: number
  readonly cancelWhen?: () => boolean
  readonly onSpawn?: RunOptions['onSpawn']
}

/** Inputs every run against the simulator needs: its endpoint, the region, fast polling. */
export function simInputs(sim: Simulator): Record<string, string> {
  return { 'aws-region': sim.region, 'endpoint-url': sim.url, 'poll-interval-seconds': '0.05' }
}

/** The runner's OIDC variables, pointing at the simulator's token endpoint. */
export function oidcEnv(sim: Simulator): Record<string, string> {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: sim.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim.oidc.requestToken,
  }
}

export function runAction(run: E2eRun): Promise<ActionRun> {
  return runLocal({
    inputs: { ...simInputs(run.sim), ...run.inputs },
    env: { ...oidcEnv(run.sim), ...run.env },
    post: run.post,
    cancelAfterMs: run.cancelAfterMs,
    cancelWhen: run.cancelWhen,
    onSpawn: run.onSpawn,
  })
}

/** Requests the simulator served, as `service:Operation` (optionally only one account's). */
export function calls(sim: Simulator, account?: string): string[] {
  return sim.requests
    .filter((r) => account === undefined || r.account === account)
    .map((r) => `${r.service}:${r.operation}`)
}

/** Every line a run printed, main and post, to check nothing secret leaked. */
export function allText(run: ActionRun): string {
  return [
    run.log,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.state),
    run.post?.log ?? '',
    run.post?.summary ?? '',
  ].join('\n')
}

/** Resource identifiers in one account by inventory type, e.g. `db-clusters: ['prod-aurora']`. */
export type Inventory = Record<string, string[]>

/** Most specific first: an instance also names its cluster, a snapshot its source. */
const IDENTIFIER_FIELDS = [
  'DBClusterSnapshotIdentifier',
  'DBSnapshotIdentifier',
  'DBInstanceIdentifier',
  'DBClusterIdentifier',
  'resourceShareArn',
  'resourceShareInvitationArn',
  'KeyId',
  'AliasName',
  'GrantId',
]

export function inventoryOf(sim: Simulator, account: string): Inventory {
  const result: Inventory = {}
  for (const [type, items] of Object.entries(sim.inventory(account))) {
    result[type] = items.map((item) => {
      const record = item as Record<string, unknown>
      const field = IDENTIFIER_FIELDS.find((f) => typeof record[f] === 'string')
      const status = record.Status ?? record.DBInstanceStatus ?? record.status
      const id = field ? String(record[field]) : JSON.stringify(record)
      return typeof status === 'string' ? `${id} (${status})` : id
    })
  }
  return result
}

/** What exists now in an account that did not exist in `before`, by inventory type. */
export function createdSince(before: Inventory, after: Inventory): Inventory {
  const strip = (entry: string) => entry.replace(/ \(.*\)$/, '')
  const result: Inventory = {}
  for (const [type, entries] of Object.entries(after)) {
    const known = new Set((before[type] ?? []).map(strip))
    const added = entries.filter((entry) => !known.has(strip(entry)))
    if (added.length > 0) result[type] = added
  }
  return result
}

/** An account's relay-relevant resources by identifier (sorted), and its snapshot shares. */
export interface RelayInventory {
  clusters: string[]
  instances: string[]
  snapshots: string[]
  clusterSnapshots: string[]
  shares: string[]
}

type Item = Record<string, unknown> & { Attributes?: { AttributeValues?: string[] }[] }

/**
 * What an account holds, by identifier, with every snapshot share as `snapshot→account`.
 * `settled: false` leaves out what is already being deleted (the post step does not wait).
 */
export function relayInventory(world: Simulator, account: string, settled = true): RelayInventory {
  const all = world.inventory(account) as Record<string, Item[]>
  const raw = Object.fromEntries(
    Object.entries(all).map(([type, items]) => [
      type,
      settled ? items : items.filter((i) => (i.Status ?? i.DBInstanceStatus) !== 'deleting'),
    ]),
  )
  const ids = (type: string, key: string) => (raw[type] ?? []).map((r) => String(r[key]))
  const shares = [...(raw['db-snapshots'] ?? []), ...(raw['db-cluster-snapshots'] ?? [])].flatMap(
    (s) =>
      (s.Attributes ?? [])
        .flatMap((a) => a.AttributeValues ?? [])
        .map((a) => `${String(s.DBSnapshotIdentifier ?? s.DBClusterSnapshotIdentifier)}→${a}`),
  )
  return {
    clusters: ids('db-clusters', 'DBClusterIdentifier').sort(),
    instances: ids('db-instances', 'DBInstanceIdentifier').sort(),
    snapshots: ids('db-snapshots', 'DBSnapshotIdentifier').sort(),
    clusterSnapshots: ids('db-cluster-snapshots', 'DBClusterSnapshotIdentifier').sort(),
    shares,
  }
}
