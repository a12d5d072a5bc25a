/**
 * End-to-end harness: the local AWS simulator in-process, the bundled action run as the GitHub
 * runner runs it (scripts/local-runner.ts), and helpers to assert on what AWS saw.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim/src/index.ts'
import { productionFixture, ROLE_ARNS } from '../../sim/fixtures/production.ts'
import { appendFileSync } from 'node:fs'
import { policyFilesFor, policyMethodOf, shippedPolicy } from '../../sim/fixtures/shipped-iam.ts'
import type { NamedPolicy } from '../../sim/src/iam/policy.ts'
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
  /**
   * IAM of the fixture roles. `shipped` (default): before each run, the roles it names get the
   * shipped policy files for what it does (iam/, see policiesForRun). `off`: every role may do
   * anything. A function: chooses the policies itself (the minimality test removes grants).
   */
  readonly iam?: 'shipped' | 'off' | PolicyChooser
}

/** The identity policies of each role a run uses, by role ARN. */
export type PolicyChooser = (inputs: Readonly<Record<string, string>>) => Map<string, NamedPolicy[]>

/** The running test's name, when Jest runs it (for the usage record's denials). */
function currentTest(): string | undefined {
  const state = (globalThis as { expect?: { getState?: () => { currentTestName?: string } } })
    .expect
  return state?.getState?.().currentTestName
}

const worldIam = new WeakMap<Simulator, 'off' | PolicyChooser>()

const accountOf = (roleArn: string): string => roleArn.split(':')[4] ?? ''

/**
 * The shipped files a run's roles get: the source role alone (or given twice) is one-account use;
 * otherwise each role gets its side's file: the lifecycle files for a delete or sweep (or a plan
 * of one), else the files of the refresh's method.
 */
export function policiesForRun(
  inputs: Readonly<Record<string, string>>,
  edit?: (file: string, policy: NamedPolicy) => NamedPolicy,
): Map<string, NamedPolicy[]> {
  const source = inputs['source-role-arn'] || undefined
  const destination = inputs['destination-role-arn'] || undefined
  const oneAccount = source !== undefined && (destination === undefined || destination === source)
  const operation =
    inputs.operation === 'plan' ? (inputs['plan-operation'] ?? 'refresh') : inputs.operation
  const files = policyFilesFor({
    oneAccount,
    lifecycle: operation === 'delete' || operation === 'sweep',
    method: policyMethodOf(inputs.method),
  })
  // A destination-phase job names no source role: the source account is the hand-off's, or the
  // fixture's production account, as the user's destination policy names their source account.
  const sourceAccount =
    source !== undefined
      ? accountOf(source)
      : (inputs['snapshot-arn']?.split(':')[4] ?? accountOf(ROLE_ARNS.source))
  const accounts = {
    source: sourceAccount,
    destination: accountOf(destination ?? source ?? ''),
  }
  const load = (file: string) => {
    const policy = shippedPolicy(file, accounts)
    return edit ? edit(file, policy) : policy
  }
  const result = new Map<string, NamedPolicy[]>()
  if (source !== undefined) result.set(source, [load(files.source)])
  if (destination !== undefined && !oneAccount) result.set(destination, [load(files.destination)])
  return result
}

/**
 * The shipped policies of a run, changed for one role: `remove` taken out of every statement
 * (a statement left with no action goes), `add` granted in a statement of its own. For tests of
 * a role set up differently, and for the minimality test's removals.
 */
export function editedPolicies(change: {
  readonly role: string
  readonly remove?: readonly string[]
  readonly add?: readonly string[]
}): PolicyChooser {
  const removed = new Set(change.remove ?? [])
  return (inputs) => {
    const chosen = policiesForRun(inputs)
    const policies = chosen.get(change.role)
    if (!policies) return chosen
    const edited = policies.map((policy) => {
      const statements = [policy.document.Statement]
        .flat()
        .map((statement) => ({
          ...statement,
          Action: [statement.Action ?? []].flat().filter((action) => !removed.has(action)),
        }))
        .filter((statement) => statement.Action.length > 0)
      const added = (change.add ?? []).length
        ? [
            {
              Sid: 'AddedByTest',
              Effect: 'Allow' as const,
              Action: [...(change.add ?? [])],
              Resource: '*',
            },
          ]
        : []
      return { ...policy, document: { ...policy.document, Statement: [...statements, ...added] } }
    })
    return new Map([...chosen, [change.role, edited]])
  }
}

/**
 * `method: auto` (the default) can only relay a source that is not an Aurora cluster, so such a
 * run gets the relay files: what auto needs beyond them is then a failure, not hidden by the union.
 */
function effectiveInputs(
  sim: Simulator,
  inputs: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if ((inputs.method || 'auto') !== 'auto' || !inputs.source) return inputs
  const sourceRole = inputs['source-role-arn'] || inputs['destination-role-arn'] || ''
  const clusters = sim.inventory(accountOf(sourceRole))['db-clusters'] ?? []
  const name = inputs.source.split(':').at(-1)?.toLowerCase()
  const aurora = clusters.some((item) => {
    const cluster = item as { DBClusterIdentifier?: string; Engine?: string }
    return cluster.DBClusterIdentifier === name && cluster.Engine?.startsWith('aurora')
  })
  return aurora ? inputs : { ...inputs, method: 'relay' }
}

/** Attaches the run's policies to its roles (every other fixture role: none, allow-all). */
function applyIam(sim: Simulator, given: Readonly<Record<string, string>>): void {
  const mode = worldIam.get(sim) ?? policiesForRun
  if (mode === 'off') return
  const inputs = effectiveInputs(sim, given)
  for (const arn of Object.values(ROLE_ARNS)) sim.iam.setRolePolicies(arn, undefined)
  for (const [arn, policies] of mode(inputs)) sim.iam.setRolePolicies(arn, policies)
}

/**
 * With RDS_REFRESH_IAM_USAGE set to a file, every IAM check of a run under the shipped files is
 * appended to it (JSON lines, with the test's name; denials marked): what `npm run iam-minimality`
 * reads after running the suites. Runs under edited policies or none prove nothing about the
 * shipped files, so they are not recorded.
 */
function recordUsage(
  sim: Simulator,
  from: { usage: number; denials: number },
  expectDenied: readonly string[],
): void {
  const file = process.env.RDS_REFRESH_IAM_USAGE
  if (!file || worldIam.has(sim)) return
  const test = currentTest()
  const lines = [
    ...sim.iam.usage.slice(from.usage).map((record) => JSON.stringify({ ...record, test })),
    ...sim.iam.denials.slice(from.denials).map((record) =>
      JSON.stringify({
        ...record,
        denied: true,
        ...(expectDenied.includes(record.action) && { expected: true }),
        test,
      }),
    ),
  ]
  if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`)
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
  const sim = await startSimulator({
    fixture,
    scenario: { clockScale, ...options.scenario },
    services: options.services,
  })
  // RDS_REFRESH_IAM=off: every world allow-all, to tell an IAM refusal from another failure.
  const iam = options.iam ?? (process.env.RDS_REFRESH_IAM === 'off' ? 'off' : 'shipped')
  if (iam !== 'shipped') worldIam.set(sim, iam)
  return sim
}

export interface E2eRun {
  readonly sim: Simulator
  readonly inputs: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly post?: boolean
  readonly cancelAfterMs?: number
  readonly cancelWhen?: () => boolean
  readonly onSpawn?: RunOptions['onSpawn']
  /**
   * IAM actions the shipped files refuse this run on purpose (a key or account they do not
   * cover): `npm run iam-minimality` does not count these denials as the files' failure.
   */
  readonly expectDenied?: readonly string[]
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

export async function runAction(run: E2eRun): Promise<ActionRun> {
  applyIam(run.sim, run.inputs)
  const from = { usage: run.sim.iam.usage.length, denials: run.sim.iam.denials.length }
  try {
    return await runLocal({
      inputs: { ...simInputs(run.sim), ...run.inputs },
      env: { ...oidcEnv(run.sim), ...run.env },
      post: run.post,
      cancelAfterMs: run.cancelAfterMs,
      cancelWhen: run.cancelWhen,
      onSpawn: run.onSpawn,
    })
  } finally {
    recordUsage(run.sim, from, run.expectDenied ?? [])
  }
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
