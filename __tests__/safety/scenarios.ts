/**
 * The safety catalogue (issue 7): hostile inputs, signals at every step of each method, lost
 * answers, faults, hangs, races and planted look-alike resources. Each entry is data; the suite
 * (safety.test.ts) and `npm run reliability` run them through scenario.ts.
 *
 * `waitsFor` names the issue 7 finding a scenario fails on today; the suite marks those
 * `it.failing` until the fix lands.
 */
import { KEYS, ROLE_ARNS } from '../e2e/harness.ts'
import type { CallMatch, GateSpec, HoldPoint } from './gate.ts'
import type { Expectation, Outcome, Scenario, Signal } from './scenario.ts'
import { createdBy } from './verdict.ts'
import {
  anotherRunsTags,
  clusterSnapshotArn,
  METHOD_INPUTS,
  METHODS,
  PARTNER,
  PARTNER_CLONE,
  plant,
  PRODUCTION,
  RUN_KEY,
  snapshotArn,
  STAGING,
  STAGING_LEGACY,
  type Method,
} from './world.ts'

/** The findings of issue 7 that scenarios wait for (one line each, as the issue words them). */
export const Finding = {
  handoffDeletion:
    'own: a phase: destination job deletes only a hand-off it can prove was made for this target (issue 7, deletions 1)',
  adoptByName:
    'own: findOrCreate adopts only what carries the managed tag and this run id (issue 7, deletions 2)',
  raceReuse:
    'own: reuse never adopts a copy another run is still building, nor an instance-less one (issue 7, deletions 3)',
  cleanupFailure:
    'own: a failed cleanup of an intermediate never removes the finished copy (issue 7, deletions 4)',
  lostAnswer:
    'own: intent recorded before each create, AlreadyExists on the own name adopted, post step looks up by run-id tag (issue 7, leaks)',
  sourcePhaseCleanup:
    'own: a cancelled or failed phase: source job removes its hand-off snapshot (issue 7, leaks)',
  timeouts:
    'timeouts: request, connection and OIDC timeouts; the deadline aborts in-flight calls and the process exits (issue 7, timeouts)',
  inputNames:
    'inputs: AWS naming rules for every free-text input, checked before any AWS call (issue 7, bad input)',
  inputCase: 'inputs: identifiers compared and derived in lower case (issue 7, bad input)',
  inputDerived: 'inputs: derived names valid for every valid target (issue 7, bad input)',
  inputKms: 'inputs: the source account key refused on a cross-account copy (issue 7, bad input)',
  inputInapplicable:
    'inputs: inputs that do not apply to the method refused or warned about (issue 7, bad input)',
  inputTags: "inputs: AWS's tag character set and lengths, reserved prefixes (issue 7, bad input)",
} as const

/** Poll fast: the clock runs at 6000×. */
const FAST = { 'poll-interval-seconds': '0.02' }

function inputsOf(method: Method, extra: Record<string, string> = {}): Record<string, string> {
  return { ...METHOD_INPUTS[method], ...FAST, ...extra }
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs.

const INJECTED = 'INJECTED'
const PAYLOADS = {
  newline: (valid: string) => `${valid}\n::notice::${INJECTED}`,
  '300 characters': (valid: string) => `${valid}${'a'.repeat(300)}`,
  ':: command': () => `::notice::${INJECTED}`,
  HTML: () => `</code></pre><h1>${INJECTED}</h1>`,
} as const

/** Free-text inputs, each with a valid value and the method whose run it belongs to. */
const FREE_TEXT: readonly {
  input: string
  valid: string
  method: Method
  extra?: Record<string, string>
}[] = [
  { input: 'target', valid: 'pr-7-app', method: 'clone' },
  { input: 'source', valid: 'prod-aurora', method: 'clone' },
  { input: 'db-subnet-group', valid: 'staging-db', method: 'clone' },
  { input: 'vpc-security-group-ids', valid: 'sg-05a9e00000000000a', method: 'clone' },
  { input: 'db-cluster-parameter-group', valid: 'staging-aurora-pg16', method: 'clone' },
  { input: 'db-parameter-group', valid: 'staging-pg16', method: 'instance-relay' },
  { input: 'kms-key-id', valid: KEYS.staging, method: 'clone' },
  { input: 'tags', valid: 'team=data', method: 'clone' },
  {
    input: 'snapshot-arn',
    valid: snapshotArn(PRODUCTION, `${RUN_KEY}-snapshot-instance`),
    method: 'instance-relay',
    extra: { phase: 'destination', 'source-role-arn': '', source: '' },
  },
  { input: 'source-role-arn', valid: ROLE_ARNS.source, method: 'clone' },
  { input: 'destination-role-arn', valid: ROLE_ARNS.staging, method: 'clone' },
  { input: 'temp-db-subnet-group', valid: 'prod-db', method: 'multiaz-relay' },
  { input: 'temp-vpc-security-group-ids', valid: 'sg-0970d00000000000a', method: 'multiaz-relay' },
  { input: 'role-session-name', valid: 'refresh', method: 'clone' },
  { input: 'instance-class', valid: 'db.r6g.large', method: 'clone' },
]

/** Marks of an injection that worked: a workflow command of its own, or HTML in the summary. */
function noInjection(outcome: Outcome): string[] {
  const problems: string[] = []
  for (const { run } of outcome.runs) {
    for (const step of [run, ...(run.post ? [run.post] : [])]) {
      if (
        step.log.split('\n').some((line) => line.startsWith('::notice') && line.includes(INJECTED))
      ) {
        problems.push('an input injected a workflow command into the log')
      }
      if (step.summary.includes(`<h1>${INJECTED}`))
        problems.push('an input injected HTML into the job summary')
    }
  }
  return problems
}

function hostile(
  name: string,
  inputs: Record<string, string>,
  options: {
    refusedBefore?: 'aws' | 'change'
    waitsFor?: string
    ci?: boolean
    expect?: Expectation
  } = {},
): Scenario {
  return {
    name: `hostile input: ${name}`,
    category: 'hostile input',
    ci: options.ci,
    waitsFor: options.waitsFor,
    runs: { inputs },
    expect: options.expect ?? {
      refusedBefore: options.refusedBefore ?? 'aws',
      check: noInjection,
    },
  }
}

const CI_HOSTILE = new Set([
  'db-subnet-group: newline',
  'db-cluster-parameter-group: :: command',
  'tags: HTML',
  'target: 300 characters',
  'snapshot-arn: newline',
])

const freeTextHostiles: Scenario[] = FREE_TEXT.flatMap((field) =>
  Object.entries(PAYLOADS).map(([payload, make]) => {
    const value = field.input === 'tags' ? `team=${make('data')}` : make(field.valid)
    const name = `${field.input}: ${payload}`
    return hostile(name, inputsOf(field.method, { ...field.extra, [field.input]: value }), {
      ci: CI_HOSTILE.has(name),
    })
  }),
)

const target63 = `${'a'.repeat(59)}-bcd`

/** The run succeeds, and every identifier AWS was asked to create is valid and lower case. */
function createsValidNames(outcome: Outcome): string[] {
  return outcome.requests
    .flatMap(createdBy)
    .map((created) => created.id)
    .filter((id) => !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id) || id.length > 255)
    .map((id) => `asked AWS to create an invalid or upper-case identifier: ${id}`)
}

/** Either refused before any change, or run with a warning naming the input. */
function refusedOrWarned(input: string) {
  return (outcome: Outcome): string[] => {
    const run = outcome.runs[0]?.run
    if (!run) return ['no run']
    if (run.exitCode !== 0)
      return /^::error[^:]*::/m.test(run.log) ? [] : ['failed without an ::error:: line']
    return run.log.split('\n').some((l) => l.startsWith('::warning') && l.includes(input))
      ? []
      : [`${input} does not apply to this method and was ignored without a word`]
  }
}

const specialHostiles: Scenario[] = [
  hostile(
    'target Prod-Aurora with source prod-aurora in one account',
    {
      'source-role-arn': ROLE_ARNS.source,
      source: 'prod-aurora',
      target: 'Prod-Aurora',
      'db-subnet-group': 'prod-db',
      ...FAST,
    },
    { refusedBefore: 'change', ci: true },
  ),
  hostile(
    'target PROD-AURORA given as upper case, cross-account',
    inputsOf('clone', { target: 'PR-7-APP' }),
    {
      expect: { succeeds: true, check: createsValidNames },
    },
  ),
  hostile('target of 63 characters with a hyphen at 60', inputsOf('clone', { target: target63 }), {
    expect: { succeeds: true, check: createsValidNames },
  }),
  // CreateDBCluster allows a Multi-AZ DB cluster identifier of at most 52 characters: refused
  // once the source is read, before any change; 52 works.
  hostile(
    'target of 63 characters, multi-az relay',
    inputsOf('multiaz-relay', { target: 'b'.repeat(63) }),
    { refusedBefore: 'change' },
  ),
  hostile(
    'target of 52 characters, multi-az relay',
    inputsOf('multiaz-relay', { target: 'b'.repeat(52) }),
    {
      expect: { succeeds: true, check: createsValidNames },
    },
  ),
  hostile('target of 64 characters', inputsOf('clone', { target: 'c'.repeat(64) })),
  hostile('target ending in a hyphen', inputsOf('clone', { target: 'pr-7-' })),
  hostile('target starting with a digit', inputsOf('clone', { target: '7-app' })),
  hostile('target with two hyphens', inputsOf('clone', { target: 'pr--7' })),
  hostile('target with an underscore', inputsOf('clone', { target: 'pr_7' })),
  hostile('target empty', inputsOf('clone', { target: '' })),
  hostile('source empty', inputsOf('clone', { source: '' })),
  hostile(
    'source ARN of another service',
    inputsOf('clone', { source: 'arn:aws:s3:::prod-aurora' }),
  ),
  hostile(
    'kms-key-id of the source account on a cross-account copy',
    inputsOf('clone', { 'kms-key-id': KEYS.production }),
    {
      refusedBefore: 'change',
    },
  ),
  hostile(
    'kms-key-id of the source account on a cross-account relay',
    inputsOf('instance-relay', { 'kms-key-id': KEYS.production }),
    {
      refusedBefore: 'change',
    },
  ),
  hostile('kms-key-id that is not an ARN', inputsOf('clone', { 'kms-key-id': 'rds-staging' })),
  hostile('tags with a reserved aws: key', inputsOf('clone', { tags: 'aws:owner=me' })),
  hostile(
    'tags overriding rds-refresh:managed',
    inputsOf('clone', { tags: 'rds-refresh:managed=false' }),
  ),
  hostile('tags with a key of 129 characters', inputsOf('clone', { tags: `${'k'.repeat(129)}=v` })),
  hostile(
    'tags with a value of 257 characters',
    inputsOf('clone', { tags: `k=${'v'.repeat(257)}` }),
  ),
  hostile('tags with characters AWS refuses', inputsOf('clone', { tags: 'team=a;b|c' })),
  hostile('tags without =', inputsOf('clone', { tags: 'team' })),
  hostile(
    'vpc-security-group-ids not a group id',
    inputsOf('clone', { 'vpc-security-group-ids': 'default' }),
  ),
  hostile(
    'source-role-arn of another partition service',
    inputsOf('clone', { 'source-role-arn': 'arn:aws:iam::111111111111:user/admin' }),
  ),
  hostile(
    'destination-role-arn with a short account id',
    inputsOf('clone', { 'destination-role-arn': 'arn:aws:iam::22222222222:role/x' }),
  ),
  hostile(
    'phase destination without snapshot-arn',
    inputsOf('instance-relay', { phase: 'destination', 'snapshot-arn': '' }),
  ),
  hostile(
    'snapshot-arn that is not an RDS snapshot ARN',
    inputsOf('instance-relay', {
      phase: 'destination',
      'snapshot-arn': 'arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora',
    }),
  ),
  hostile(
    'snapshot-arn in another region',
    inputsOf('instance-relay', {
      phase: 'destination',
      'snapshot-arn': 'arn:aws:rds:eu-west-1:111111111111:snapshot:x',
    }),
  ),
  hostile('deadline-minutes 0', inputsOf('clone', { 'deadline-minutes': '0' })),
  hostile('deadline-minutes 351', inputsOf('clone', { 'deadline-minutes': '351' })),
  hostile('poll-interval-seconds 0', inputsOf('clone', { 'poll-interval-seconds': '0' })),
  hostile('max-attempts 0', inputsOf('clone', { 'max-attempts': '0' })),
  hostile('role-duration-seconds 899', inputsOf('clone', { 'role-duration-seconds': '899' })),
  hostile('instance-count 17', inputsOf('clone', { 'instance-count': '17' })),
  hostile('instance-count 1.5', inputsOf('clone', { 'instance-count': '1.5' })),
  hostile(
    'serverless-min-capacity 0.3',
    inputsOf('clone', { 'instance-class': 'db.serverless', 'serverless-min-capacity': '0.3' }),
  ),
  hostile('ttl -1h', inputsOf('clone', { ttl: '-1h' })),
  hostile('ttl in years', inputsOf('clone', { ttl: '2y' })),
  hostile('method unknown', inputsOf('clone', { method: 'dump' })),
  hostile('if-exists unknown', inputsOf('clone', { 'if-exists': 'overwrite' })),
  hostile(
    'master-password as a literal password',
    inputsOf('clone', { 'master-password': 'hunter2hunter2' }),
  ),
  hostile('endpoint-url not a URL', inputsOf('clone', { 'endpoint-url': 'javascript:alert(1)' })),
  hostile(
    'storage-type gp2 with iops',
    inputsOf('instance-relay', { 'storage-type': 'gp2', iops: '3000' }),
  ),
  hostile(
    'storage-type aurora on a DB instance',
    inputsOf('instance-relay', { 'storage-type': 'aurora' }),
    {
      refusedBefore: 'change',
    },
  ),
  hostile('multi-az on an Aurora clone', inputsOf('clone', { 'multi-az': 'true' }), {
    expect: { check: refusedOrWarned('multi-az') },
  }),
  hostile(
    'instance-count on a DB instance relay',
    inputsOf('instance-relay', { 'instance-count': '3' }),
    {
      expect: { check: refusedOrWarned('instance-count') },
    },
  ),
  hostile('keep-snapshots on a clone', inputsOf('clone', { 'keep-snapshots': 'true' }), {
    expect: { check: refusedOrWarned('keep-snapshots') },
  }),
  hostile(
    'temp-db-subnet-group on a clone',
    inputsOf('clone', { 'temp-db-subnet-group': 'prod-db' }),
    {
      expect: { check: refusedOrWarned('temp-db-subnet-group') },
    },
  ),
  hostile(
    'snapshot-arn without phase destination',
    inputsOf('instance-relay', { 'snapshot-arn': snapshotArn(PRODUCTION, 'x') }),
    {
      expect: { check: refusedOrWarned('snapshot-arn') },
    },
  ),
]

// ---------------------------------------------------------------------------------------------
// Signals at every step: each step's first change, found from the plans (src/methods).

interface StepPoint {
  readonly step: string
  readonly call: CallMatch
}

const M = (operation: string, account: string, nth?: number): CallMatch => ({
  operation,
  account,
  nth,
})

export const STEP_POINTS: Record<Method, readonly StepPoint[]> = {
  clone: [
    { step: 'read-source', call: M('DescribeDBClusters', PRODUCTION) },
    { step: 'share-source', call: M('CreateResourceShare', PRODUCTION) },
    { step: 'clone-cluster', call: M('RestoreDBClusterToPointInTime', STAGING) },
    { step: 'create-instances', call: M('CreateDBInstance', STAGING) },
    { step: 'set-password', call: M('ModifyDBCluster', STAGING) },
  ],
  'aurora-relay': [
    { step: 'snapshot-source-cluster', call: M('CreateDBClusterSnapshot', PRODUCTION) },
    { step: 'share-snapshot', call: M('ModifyDBClusterSnapshotAttribute', PRODUCTION, 1) },
    { step: 'copy-snapshot', call: M('CopyDBClusterSnapshot', STAGING) },
    { step: 'unshare-snapshot', call: M('ModifyDBClusterSnapshotAttribute', PRODUCTION, 2) },
    { step: 'restore-cluster', call: M('RestoreDBClusterFromSnapshot', STAGING) },
    { step: 'create-instances', call: M('CreateDBInstance', STAGING) },
    { step: 'delete-shared-snapshot', call: M('DeleteDBClusterSnapshot', PRODUCTION) },
    { step: 'delete-copied-snapshot', call: M('DeleteDBClusterSnapshot', STAGING) },
    { step: 'set-password', call: M('ModifyDBCluster', STAGING) },
  ],
  'multiaz-relay': [
    { step: 'snapshot-source-cluster', call: M('CreateDBClusterSnapshot', PRODUCTION) },
    { step: 'restore-temp-instance', call: M('RestoreDBInstanceFromDBSnapshot', PRODUCTION) },
    { step: 'delete-cluster-snapshot', call: M('DeleteDBClusterSnapshot', PRODUCTION) },
    { step: 'snapshot-temp-instance', call: M('CreateDBSnapshot', PRODUCTION) },
    { step: 'delete-temp-instance', call: M('DeleteDBInstance', PRODUCTION) },
    { step: 'share-snapshot', call: M('ModifyDBSnapshotAttribute', PRODUCTION, 1) },
    { step: 'copy-snapshot', call: M('CopyDBSnapshot', STAGING) },
    { step: 'unshare-snapshot', call: M('ModifyDBSnapshotAttribute', PRODUCTION, 2) },
    { step: 'restore-cluster', call: M('RestoreDBClusterFromSnapshot', STAGING) },
    { step: 'set-password', call: M('ModifyDBCluster', STAGING) },
    { step: 'delete-shared-snapshot', call: M('DeleteDBSnapshot', PRODUCTION) },
    { step: 'delete-copied-snapshot', call: M('DeleteDBSnapshot', STAGING) },
  ],
  'instance-relay': [
    { step: 'snapshot-source-instance', call: M('CreateDBSnapshot', PRODUCTION) },
    { step: 'share-snapshot', call: M('ModifyDBSnapshotAttribute', PRODUCTION, 1) },
    { step: 'copy-snapshot', call: M('CopyDBSnapshot', STAGING) },
    { step: 'unshare-snapshot', call: M('ModifyDBSnapshotAttribute', PRODUCTION, 2) },
    { step: 'restore-instance', call: M('RestoreDBInstanceFromDBSnapshot', STAGING) },
    { step: 'set-password', call: M('ModifyDBInstance', STAGING) },
    { step: 'delete-shared-snapshot', call: M('DeleteDBSnapshot', PRODUCTION) },
    { step: 'delete-copied-snapshot', call: M('DeleteDBSnapshot', STAGING) },
  ],
}

const PLACEMENTS: Record<HoldPoint, string> = {
  call: 'as its first change arrives',
  answer: 'while its first change is answered slowly',
  'next-call': 'while it waits after its first change',
}

/** The placements each signal is tried at (reading calls are held before they are answered). */
const SIGNAL_PLACEMENTS: readonly (readonly [Signal, HoldPoint])[] = [
  ['SIGINT', 'answer'],
  ['SIGTERM', 'next-call'],
  ['SIGKILL', 'answer'],
  ['SIGKILL', 'next-call'],
]

/** One signal scenario per method in CI: the steps that cover the most ground. */
const CI_SIGNALS = new Set([
  'clone: SIGKILL at clone-cluster while it waits after its first change',
  'clone: SIGINT at create-instances while its first change is answered slowly',
  'multiaz-relay: SIGTERM at restore-temp-instance while it waits after its first change',
  'multiaz-relay: SIGKILL at copy-snapshot while it waits after its first change',
  'aurora-relay: SIGINT at copy-snapshot while its first change is answered slowly',
  'instance-relay: SIGKILL at snapshot-source-instance while its first change is answered slowly',
  'instance-relay: SIGKILL at restore-instance while it waits after its first change',
])

function signalScenario(
  method: Method,
  point: StepPoint,
  signal: Signal,
  hold: HoldPoint,
  inputs = inputsOf(method),
): Scenario {
  const at: GateSpec = { match: point.call, hold: point.step === 'read-source' ? 'call' : hold }
  const name = `${method}: ${signal} at ${point.step} ${PLACEMENTS[at.hold]}`
  return {
    name,
    category: 'signal',
    ci: CI_SIGNALS.has(name),
    runs: { inputs, signal: { name: signal, at } },
  }
}

/**
 * Steps that run beside another step's create call: a SIGKILL there would land before or after
 * that call's answer depending on the machine's load, so the kill is tried at the create steps'
 * own points instead (SIGINT and SIGTERM let calls in flight finish, so they stay).
 */
const BESIDE_A_CREATE = new Set([
  'unshare-snapshot',
  'delete-temp-instance',
  'delete-cluster-snapshot',
])

/**
 * The Multi-AZ relay's direct path, in the world where AWS shares and restores the cluster
 * snapshot, and its fallback in the world where AWS shares it but refuses the direct restore.
 */
const MULTI_AZ_PATH_POINTS: readonly (readonly ['share' | 'share-and-restore', StepPoint])[] = [
  [
    'share-and-restore',
    { step: 'share-cluster-snapshot', call: M('ModifyDBClusterSnapshotAttribute', PRODUCTION, 1) },
  ],
  [
    'share-and-restore',
    { step: 'restore-cluster-direct', call: M('RestoreDBClusterFromSnapshot', STAGING) },
  ],
  [
    'share-and-restore',
    {
      step: 'unshare-cluster-snapshot',
      call: M('ModifyDBClusterSnapshotAttribute', PRODUCTION, 2),
    },
  ],
  [
    'share-and-restore',
    { step: 'delete-shared-cluster-snapshot', call: M('DeleteDBClusterSnapshot', PRODUCTION) },
  ],
  [
    'share',
    {
      step: 'unshare-cluster-snapshot',
      call: M('ModifyDBClusterSnapshotAttribute', PRODUCTION, 2),
    },
  ],
  [
    'share',
    { step: 'restore-temp-instance', call: M('RestoreDBInstanceFromDBSnapshot', PRODUCTION) },
  ],
]

const CI_MULTI_AZ_PATH_SIGNALS = new Set([
  'multiaz-relay (world share-and-restore): SIGKILL at restore-cluster-direct while its first change is answered slowly',
  'multiaz-relay (world share): SIGTERM at restore-temp-instance while it waits after its first change',
])

/** The withdrawal of the share runs beside the 7 steps' first create after a refused restore. */
const multiAzPathScenarios: Scenario[] = MULTI_AZ_PATH_POINTS.flatMap(([sharing, point]) =>
  SIGNAL_PLACEMENTS.filter(
    ([signal]) => signal !== 'SIGKILL' || point.step !== 'unshare-cluster-snapshot',
  ).map(([signal, hold]) => {
    const scenario = signalScenario('multiaz-relay', point, signal, hold)
    const name = scenario.name.replace('multiaz-relay:', `multiaz-relay (world ${sharing}):`)
    return {
      ...scenario,
      name,
      ci: CI_MULTI_AZ_PATH_SIGNALS.has(name),
      world: { multiAzSnapshotSharing: sharing },
    }
  }),
)

const signalScenarios: Scenario[] = METHODS.flatMap((method) =>
  STEP_POINTS[method].flatMap((point) =>
    point.step === 'read-source'
      ? (['SIGINT', 'SIGTERM', 'SIGKILL'] as const).map((signal) =>
          signalScenario(method, point, signal, 'call'),
        )
      : SIGNAL_PLACEMENTS.filter(
          ([signal]) => signal !== 'SIGKILL' || !BESIDE_A_CREATE.has(point.step),
        ).map(([signal, hold]) => signalScenario(method, point, signal, hold)),
  ),
)

/** The partner clone's extra step: the invitation accepted in the other organization. */
const acceptShare: StepPoint = {
  step: 'accept-share',
  call: M('AcceptResourceShareInvitation', PARTNER),
}
const partnerSignals: Scenario[] = SIGNAL_PLACEMENTS.map(([signal, hold]) => ({
  ...signalScenario('clone', acceptShare, signal, hold, { ...PARTNER_CLONE, ...FAST }),
  name: `clone to partner: ${signal} at accept-share ${PLACEMENTS[hold]}`,
}))

// ---------------------------------------------------------------------------------------------
// Lost answers: AWS acted, the answer never arrived (500 after the fact, or a reset connection).

const CREATE_CALLS: Record<Method, readonly CallMatch[]> = {
  clone: [
    M('CreateResourceShare', PRODUCTION),
    M('RestoreDBClusterToPointInTime', STAGING),
    M('CreateDBInstance', STAGING),
  ],
  'aurora-relay': [
    M('CreateDBClusterSnapshot', PRODUCTION),
    M('CopyDBClusterSnapshot', STAGING),
    M('RestoreDBClusterFromSnapshot', STAGING),
    M('CreateDBInstance', STAGING),
  ],
  'multiaz-relay': [
    M('CreateDBClusterSnapshot', PRODUCTION),
    M('RestoreDBInstanceFromDBSnapshot', PRODUCTION),
    M('CreateDBSnapshot', PRODUCTION),
    M('CopyDBSnapshot', STAGING),
    M('RestoreDBClusterFromSnapshot', STAGING),
  ],
  'instance-relay': [
    M('CreateDBSnapshot', PRODUCTION),
    M('CopyDBSnapshot', STAGING),
    M('RestoreDBInstanceFromDBSnapshot', STAGING),
  ],
}

const CI_LOST = new Set([
  'clone: lose-answer of RestoreDBClusterToPointInTime',
  'multiaz-relay: reset-after of RestoreDBInstanceFromDBSnapshot',
  'aurora-relay: lose-answer of CopyDBClusterSnapshot',
  'instance-relay: reset-after of RestoreDBInstanceFromDBSnapshot',
])

const lostAnswerScenarios: Scenario[] = METHODS.flatMap((method) =>
  CREATE_CALLS[method].flatMap((call) =>
    (['lose-answer', 'reset-after'] as const).map((kind): Scenario => {
      const name = `${method}: ${kind} of ${call.operation}`
      return {
        name,
        category: 'lost answer',
        ci: CI_LOST.has(name),
        world: {
          faults: {
            networkFaults: [{ kind, operation: call.operation, account: call.account, times: 1 }],
          },
        },
        runs: { inputs: inputsOf(method) },
      }
    }),
  ),
)

// ---------------------------------------------------------------------------------------------
// Faults: throttling and 500s are ridden through; a cleanup that AWS refuses keeps the copy.

const faultScenarios: Scenario[] = [
  ...METHODS.map((method): Scenario => ({
    name: `${method}: throttling and random 500s`,
    category: 'fault',
    ci: method === 'multiaz-relay' || method === 'clone',
    world: {
      faults: { throttle: { ratePerSecond: 20, burst: 10 }, internalErrorRate: 0.08, seed: 11 },
    },
    runs: { inputs: inputsOf(method, { 'max-attempts': '10' }) },
    expect: { succeeds: true },
  })),
  ...(
    [
      ['instance-relay', 'DeleteDBSnapshot', 'staging-pg'],
      ['multiaz-relay', 'DeleteDBSnapshot', 'staging-mz'],
      ['aurora-relay', 'DeleteDBClusterSnapshot', 'staging-aurora'],
    ] as const
  ).map(([method, operation, target]): Scenario => ({
    name: `${method}: the copied snapshot cannot be deleted (${operation} refused)`,
    category: 'fault',
    ci: method === 'instance-relay',
    world: {
      faults: {
        failCalls: [
          {
            operation,
            account: STAGING,
            code: 'InvalidDBSnapshotStateFault',
            message: 'Injected: the snapshot is in use',
          },
        ],
      },
    },
    runs: { inputs: inputsOf(method) },
    expect: {
      copySurvives: { account: STAGING, id: target },
      // AWS refused the deletion: the copied snapshot stays, reported with its removal command.
      kept: (r) => r.account === STAGING && /snapshots$/.test(r.type) && r.id.endsWith('-copy'),
    },
  })),
]

// ---------------------------------------------------------------------------------------------
// Hangs: a call that never answers, the OIDC endpoint hanging; the run ends near its deadline.

const HANG_BOUND_SECONDS = 30
/**
 * The hung runs' deadline: long enough to reach the hung call on a loaded machine, short enough
 * that the suite does not idle a minute per hang (what is judged is the exit after the deadline).
 */
const HANG_DEADLINE_MINUTES = '0.25'

const hangScenarios: Scenario[] = [
  {
    name: 'clone: CreateDBInstance never answers (deadline-minutes 0.25)',
    category: 'hang',
    ci: true,
    world: {
      faults: {
        networkFaults: [{ kind: 'hang', operation: 'CreateDBInstance', account: STAGING }],
      },
    },
    runs: {
      inputs: inputsOf('clone', { 'deadline-minutes': HANG_DEADLINE_MINUTES }),
      exitWithinSeconds: HANG_BOUND_SECONDS,
    },
  },
  {
    name: 'clone: the OIDC token endpoint never answers (deadline-minutes 0.25)',
    category: 'hang',
    ci: true,
    world: { faults: { networkFaults: [{ kind: 'hang', operation: 'GetIdToken' }] } },
    runs: {
      inputs: inputsOf('clone', { 'deadline-minutes': HANG_DEADLINE_MINUTES }),
      exitWithinSeconds: HANG_BOUND_SECONDS,
    },
  },
  {
    name: 'instance-relay: CopyDBSnapshot never answers (deadline-minutes 0.25)',
    category: 'hang',
    world: {
      faults: { networkFaults: [{ kind: 'hang', operation: 'CopyDBSnapshot', account: STAGING }] },
    },
    runs: {
      inputs: inputsOf('instance-relay', { 'deadline-minutes': HANG_DEADLINE_MINUTES }),
      exitWithinSeconds: HANG_BOUND_SECONDS,
    },
  },
  {
    name: 'multiaz-relay: every DescribeDBSnapshots poll in production hangs (deadline-minutes 0.25)',
    category: 'hang',
    world: {
      faults: {
        networkFaults: [{ kind: 'hang', operation: 'DescribeDBSnapshots', account: PRODUCTION }],
      },
    },
    runs: {
      inputs: inputsOf('multiaz-relay', { 'deadline-minutes': HANG_DEADLINE_MINUTES }),
      exitWithinSeconds: HANG_BOUND_SECONDS,
    },
  },
]

// ---------------------------------------------------------------------------------------------
// Races: a second run on the same target while the first one builds it.

const RUN_A = '5001'
const RUN_B = '5002'

function raceScenario(options: {
  name: string
  hold: GateSpec
  cancelB?: boolean
  ci?: boolean
}): Scenario {
  const inputs = inputsOf('clone')
  return {
    name: `race: ${options.name}`,
    category: 'race',
    ci: options.ci,
    gate: options.hold,
    runs: async (stage) => {
      const a = stage.run({ inputs, runId: RUN_A })
      const gate = stage.gate
      if (!gate) throw new Error('race scenario without a gate')
      await Promise.race([gate.reached, a])
      if (!gate.hasBeenReached) {
        await a
        return
      }
      // Run A is held mid-build; run B (reuse) starts now. A goes on when B ends or polls.
      const polls = () =>
        stage.sim.requests.filter(
          (r) => r.operation === 'DescribeDBClusters' && r.input.DBClusterIdentifier === 'pr-7-app',
        ).length
      const startPolls = polls()
      const watcher = setInterval(() => {
        if (polls() - startPolls >= 4) gate.release()
      }, 20)
      try {
        await stage.run({
          inputs: { ...inputs, 'if-exists': 'reuse' },
          runId: RUN_B,
          ...(options.cancelB && {
            signal: {
              name: 'SIGINT',
              at: { match: M('DescribeDBClusters', STAGING, 3), hold: 'call' },
            },
          }),
        })
      } finally {
        clearInterval(watcher)
        gate.release()
      }
      await a
    },
    expect: { check: reuseOnlyWhatIsBuilt },
  }
}

/**
 * Run B (reuse) may report the copy only once run A finished building it (A's last password
 * change came before B's last call), and never an instance-less one.
 */
function reuseOnlyWhatIsBuilt(outcome: Outcome): string[] {
  const second = outcome.runs.find((r) => r.spec.runId === RUN_B)?.run
  if (!second || second.exitCode !== 0 || second.outputs.created !== 'false') return []
  const problems: string[] = []
  const finished = outcome.requests
    .filter((r) => r.operation === 'ModifyDBCluster' && r.input.DBClusterIdentifier === 'pr-7-app')
    .map((r) => r.seq)
  const bCalls = outcome.requests
    .filter((r) => r.accessKeyId !== undefined && second.secrets.includes(r.accessKeyId))
    .map((r) => r.seq)
  if (finished.length === 0 || Math.max(...bCalls) < Math.min(...finished)) {
    problems.push('run B reported reuse of a copy run A was still building')
  }
  if (!second.outputs['db-instance-identifiers']) {
    problems.push('run B reported an instance-less copy as reused')
  }
  return problems
}

const raceScenarios: Scenario[] = [
  raceScenario({
    name: 'reuse while another run restores the clone (cluster creating)',
    hold: { match: M('RestoreDBClusterToPointInTime', STAGING), hold: 'answer' },
    ci: true,
  }),
  raceScenario({
    name: 'reuse before another run has created the clone',
    hold: { match: M('RestoreDBClusterToPointInTime', STAGING), hold: 'call' },
  }),
  raceScenario({
    name: 'reuse while another run creates the instances',
    hold: { match: M('CreateDBInstance', STAGING), hold: 'answer' },
  }),
  raceScenario({
    name: 'reuse while another run sets the password',
    hold: { match: M('ModifyDBCluster', STAGING), hold: 'answer' },
  }),
  raceScenario({
    name: 'reuse cancelled while another run restores the clone',
    hold: { match: M('RestoreDBClusterToPointInTime', STAGING), hold: 'answer' },
    cancelB: true,
    ci: true,
  }),
]

// ---------------------------------------------------------------------------------------------
// Planted look-alikes: resources with the run's own intermediate names that it did not make, a
// DBA's snapshot handed to a destination job, a production snapshot given with both roles.

const planted = (name: string, scenario: Omit<Scenario, 'name' | 'category'>): Scenario => ({
  name: `planted: ${name}`,
  category: 'planted look-alike',
  ...scenario,
})

/** A Multi-AZ relay's cluster snapshot says the source's class (db.m6gd.large) in its name. */
const MULTI_AZ_CLUSTER_SNAPSHOT = `${RUN_KEY}-cluster-multiaz-db-m6gd-large`

const untaggedOrForeign = [
  ['untagged', undefined],
  ["another run's", anotherRunsTags('777-1')],
] as const

const plantedScenarios: Scenario[] = [
  ...untaggedOrForeign.flatMap(([who, tags]) => [
    planted(`${who} ${MULTI_AZ_CLUSTER_SNAPSHOT} of prod-multiaz (multiaz-relay)`, {
      ci: who === 'untagged',
      world: {
        fixture: plant({
          account: PRODUCTION,
          clusterSnapshots: [
            { identifier: MULTI_AZ_CLUSTER_SNAPSHOT, cluster: 'prod-multiaz', tags },
          ],
        }),
      },
      runs: { inputs: inputsOf('multiaz-relay') },
    }),
    planted(`${who} ${RUN_KEY}-cluster-snapshot of prod-aurora (aurora-relay)`, {
      world: {
        fixture: plant({
          account: PRODUCTION,
          clusterSnapshots: [
            { identifier: `${RUN_KEY}-cluster-snapshot`, cluster: 'prod-aurora', tags },
          ],
        }),
      },
      runs: { inputs: inputsOf('aurora-relay') },
    }),
    planted(`${who} instance ${RUN_KEY}-tmp in production (multiaz-relay)`, {
      ci: who === 'untagged',
      world: {
        fixture: plant({
          account: PRODUCTION,
          instances: [
            {
              ...STAGING_LEGACY,
              identifier: `${RUN_KEY}-tmp`,
              kmsKeyAlias: 'rds-prod',
              subnetGroup: 'prod-db',
              securityGroupIds: ['sg-0970d00000000000a'],
              tags,
            },
          ],
        }),
      },
      runs: { inputs: inputsOf('multiaz-relay') },
    }),
    planted(`${who} ${RUN_KEY}-snapshot-instance of prod-pg (instance-relay)`, {
      world: {
        fixture: plant({
          account: PRODUCTION,
          snapshots: [{ identifier: `${RUN_KEY}-snapshot-instance`, instance: 'prod-pg', tags }],
        }),
      },
      runs: { inputs: inputsOf('instance-relay') },
    }),
    planted(`${who} ${RUN_KEY}-snapshot-instance-copy in staging (instance-relay)`, {
      ci: who !== 'untagged',
      world: {
        fixture: plant({
          account: STAGING,
          instances: [STAGING_LEGACY],
          snapshots: [
            { identifier: `${RUN_KEY}-snapshot-instance-copy`, instance: 'staging-legacy', tags },
          ],
        }),
      },
      runs: { inputs: inputsOf('instance-relay') },
    }),
  ]),
  planted("a local run (no GITHUB_RUN_ID) meets another local run's cluster snapshot", {
    world: {
      fixture: plant({
        account: PRODUCTION,
        clusterSnapshots: [
          {
            identifier: 'rds-refresh-local-1-cluster-multiaz-db-m6gd-large',
            cluster: 'prod-multiaz',
            tags: anotherRunsTags('local-1'),
          },
        ],
      }),
    },
    runs: { inputs: inputsOf('multiaz-relay'), env: { GITHUB_RUN_ID: undefined } },
  }),
  planted("a DBA's manual snapshot in staging handed to phase: destination", {
    ci: true,
    world: {
      fixture: plant({
        account: STAGING,
        instances: [STAGING_LEGACY],
        snapshots: [{ identifier: 'dba-manual-2026-11-30', instance: 'staging-legacy' }],
      }),
    },
    runs: {
      inputs: {
        ...inputsOf('instance-relay'),
        'source-role-arn': '',
        source: '',
        phase: 'destination',
        'snapshot-arn': snapshotArn(STAGING, 'dba-manual-2026-11-30'),
        'destination-role-arn': ROLE_ARNS.staging,
      },
    },
  }),
  planted('a production DB snapshot shared with staging, phase: destination with both roles', {
    ci: true,
    world: {
      fixture: plant({
        account: PRODUCTION,
        snapshots: [{ identifier: 'prod-pg-nightly', instance: 'prod-pg', sharedWith: [STAGING] }],
      }),
    },
    runs: {
      inputs: {
        ...inputsOf('instance-relay'),
        source: '',
        phase: 'destination',
        'snapshot-arn': snapshotArn(PRODUCTION, 'prod-pg-nightly'),
      },
    },
  }),
  planted('a production cluster snapshot shared with staging, phase: destination with both roles', {
    world: {
      fixture: plant({
        account: PRODUCTION,
        clusterSnapshots: [
          { identifier: 'prod-aurora-nightly', cluster: 'prod-aurora', sharedWith: [STAGING] },
        ],
      }),
    },
    runs: {
      inputs: {
        ...inputsOf('aurora-relay'),
        source: '',
        method: 'auto',
        phase: 'destination',
        'snapshot-arn': clusterSnapshotArn(PRODUCTION, 'prod-aurora-nightly'),
      },
    },
  }),
  planted('an untagged database in staging as the target, if-exists: reuse', {
    world: { fixture: plant({ account: STAGING, instances: [STAGING_LEGACY] }) },
    runs: {
      inputs: inputsOf('instance-relay', { target: 'staging-legacy', 'if-exists': 'reuse' }),
    },
  }),
]

// ---------------------------------------------------------------------------------------------
// Split jobs: a cancelled source-phase job leaves no hand-off behind.

const splitScenarios: Scenario[] = [
  {
    name: 'instance-relay phase source: SIGINT while the hand-off snapshot is shared',
    category: 'signal',
    runs: {
      inputs: { ...inputsOf('instance-relay'), phase: 'source', target: '' },
      signal: {
        name: 'SIGINT',
        at: { match: M('ModifyDBSnapshotAttribute', PRODUCTION), hold: 'answer' },
      },
    },
  },
  {
    name: 'multiaz-relay phase source: the share fails, the hand-off snapshot goes',
    category: 'fault',
    world: {
      faults: {
        failCalls: [
          {
            operation: 'ModifyDBSnapshotAttribute',
            code: 'SharedSnapshotQuotaExceeded',
            status: 400,
          },
        ],
      },
    },
    runs: { inputs: { ...inputsOf('multiaz-relay'), phase: 'source', target: '' } },
  },
  {
    name: 'instance-relay split jobs: the destination job deletes only its own hand-off',
    category: 'planted look-alike',
    runs: async (stage) => {
      // The source job names the target (as the README's split workflow does): its hand-off is
      // tagged for it, so the destination job may prove it is its own and remove it.
      const source = await stage.run({
        inputs: { ...inputsOf('instance-relay'), phase: 'source' },
      })
      await stage.run({
        inputs: {
          ...inputsOf('instance-relay'),
          source: '',
          phase: 'destination',
          'snapshot-arn': source.run.outputs['snapshot-arn'] ?? '',
        },
      })
    },
    expect: { succeeds: true },
  },
]

/**
 * The scenarios that fail on today's code, by the finding each waits for (from `npm run
 * reliability`). When a fix lands, its scenarios turn green: remove their lines here.
 */
const WAITS_FOR: Readonly<Record<string, string>> = {}

export const SCENARIOS: readonly Scenario[] = [
  ...freeTextHostiles,
  ...specialHostiles,
  ...signalScenarios,
  ...multiAzPathScenarios,
  ...partnerSignals,
  ...lostAnswerScenarios,
  ...faultScenarios,
  ...hangScenarios,
  ...raceScenarios,
  ...plantedScenarios,
  ...splitScenarios,
].map((scenario) => {
  const waitsFor = scenario.waitsFor ?? WAITS_FOR[scenario.name]
  return waitsFor ? { ...scenario, waitsFor } : scenario
})

/** The CI subset: every category and every method, a few minutes of CPU at most. */
export const CI_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((s) => s.ci)
