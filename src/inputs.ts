/**
 * Every input read once, validated and turned into readonly Settings, before any AWS call.
 * This is the only module that calls core.getInput; parseSettings is pure for tests.
 */
import * as core from '@actions/core'
import type {
  IfExists,
  MasterPassword,
  Method,
  MultiAzPathInput,
  Operation,
  Phase,
  PlannedOperation,
  ReplaceStrategy,
  ServerlessScaling,
  Settings,
} from './settings.js'
import {
  InputError,
  accountId,
  bool,
  decimalInRange,
  httpUrl,
  identifier,
  instanceClass,
  intInRange,
  invalid,
  isRegion,
  kmsKey,
  listItems,
  noWorkflowCommand,
  oneOf,
  parameterGroupName,
  roleArn,
  securityGroupId,
  sessionName,
  singleLine,
  snapshotArn,
  sourceArn,
  subnetGroupName,
  tags,
  ttlDuration,
} from './inputs/parsers.js'
import { checkRules, type Parsed } from './inputs/rules.js'
import { context as runnerContext } from '@actions/github'
import { runContextOf, type GitHubContext } from './github/context.js'
import { defaultSessionName } from './github/session-name.js'

export { InputError } from './inputs/parsers.js'

/** Every input of action.yml with its default ('' for none); a test keeps them in step. */
export const INPUT_DEFAULTS = {
  operation: 'refresh',
  'plan-operation': 'refresh',
  phase: 'all',
  'aws-region': '',
  'source-role-arn': '',
  'destination-role-arn': '',
  audience: 'sts.amazonaws.com',
  'role-session-name': '',
  'role-duration-seconds': '3600',
  'allowed-account-ids': '',
  source: '',
  target: '',
  method: 'auto',
  'multi-az-path': 'auto',
  'if-exists': 'fail',
  'replace-strategy': 'swap',
  'snapshot-arn': '',
  'kms-key-id': '',
  'allow-external-principals': 'false',
  'db-subnet-group': '',
  'vpc-security-group-ids': '',
  'db-cluster-parameter-group': '',
  'db-parameter-group': '',
  'temp-db-subnet-group': '',
  'temp-vpc-security-group-ids': '',
  'instance-class': '',
  'instance-count': '1',
  'serverless-min-capacity': '',
  'serverless-max-capacity': '',
  'storage-type': '',
  iops: '',
  'multi-az': 'false',
  'publicly-accessible': 'false',
  'deletion-protection': 'false',
  'master-password': 'secrets-manager',
  ttl: '',
  tags: '',
  'keep-snapshots': 'false',
  'final-snapshot-identifier': '',
  'deadline-minutes': '',
  'timeout-minutes': '',
  'poll-interval-seconds': '10',
  'max-attempts': '5',
  'endpoint-url': '',
  'pull-request-comment': 'true',
  'github-token': '${{ github.token }}',
} as const satisfies Record<string, string>

export type InputName = keyof typeof INPUT_DEFAULTS

/** Names of every input, in action.yml order. */
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as readonly InputName[]

const OPERATIONS: readonly Operation[] = ['refresh', 'delete', 'sweep', 'plan']
const PLANNED_OPERATIONS: readonly PlannedOperation[] = ['refresh', 'delete', 'sweep']
const PHASES: readonly Phase[] = ['all', 'source', 'destination']
const METHODS: readonly Method[] = ['auto', 'clone', 'full-copy', 'relay']
const MULTI_AZ_PATHS: readonly MultiAzPathInput[] = ['auto', 'direct', 'seven-step']
const IF_EXISTS: readonly IfExists[] = ['fail', 'reuse', 'replace']
const REPLACE_STRATEGIES: readonly ReplaceStrategy[] = ['swap', 'delete-first']
const MASTER_PASSWORDS: readonly MasterPassword[] = ['secrets-manager', 'generate', 'keep']
const STORAGE_TYPES = ['gp2', 'gp3', 'io1', 'io2', 'standard', 'aurora', 'aurora-iopt1']

/** Inputs whose values are lists, one item per line or comma. */
const LIST_INPUTS: ReadonlySet<string> = new Set<InputName>([
  'vpc-security-group-ids',
  'temp-vpc-security-group-ids',
  'tags',
  'allowed-account-ids',
])

/** Inputs AWS stores in lower case and matches case-insensitively; the log says when one changed. */
const LOWER_CASED = [
  'source',
  'target',
  'snapshot-arn',
  'db-subnet-group',
  'db-cluster-parameter-group',
  'db-parameter-group',
  'temp-db-subnet-group',
] as const satisfies readonly InputName[]

/** Where parseSettings reports what it changed (a name lower-cased) and deprecated names. */
export interface SettingsLog {
  info(message: string): void
  warning(message: string, properties?: { title?: string }): void
}

/**
 * Reads every input through core.getInput (from `process.env`), then parseSettings. The post step
 * reads the same inputs again and passes `log: null`, so nothing is said twice.
 */
export function getSettings(
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly log?: SettingsLog | null; readonly github?: GitHubContext } = {},
): Settings {
  const { log = core, github = runnerContext } = options
  const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, core.getInput(name)]))
  return parseSettings(raw, env, log ?? undefined, github)
}

/**
 * No value may carry a line break or control character into the log; `::` is excluded by each
 * input's own syntax, and checked here for the one free-text input, the audience.
 */
function checkSingleLine(raw: Readonly<Record<string, string>>): void {
  for (const name of INPUT_NAMES) {
    const value = (raw[name] ?? '').trim()
    if (LIST_INPUTS.has(name)) {
      for (const item of listItems(value)) singleLine(name, item)
    } else {
      singleLine(name, value)
    }
  }
  noWorkflowCommand('audience', (raw.audience ?? '').trim())
}

/** Says, for each name the action lower-cased, what it was given and what it uses. */
function reportLowerCased(
  raw: Readonly<Record<string, string>>,
  settings: Settings,
  log: SettingsLog,
): void {
  const used: Record<(typeof LOWER_CASED)[number], string | undefined> = {
    source: settings.source?.arn ?? settings.source?.identifier,
    target: settings.target,
    'snapshot-arn': settings.snapshotArn,
    'db-subnet-group': settings.dbSubnetGroup,
    'db-cluster-parameter-group': settings.dbClusterParameterGroup,
    'db-parameter-group': settings.dbParameterGroup,
    'temp-db-subnet-group': settings.tempDbSubnetGroup,
  }
  for (const name of LOWER_CASED) {
    const given = (raw[name] ?? '').trim()
    const value = used[name]
    if (value !== undefined && given !== '' && given !== value) {
      log.info(
        `Input '${name}' is '${given}': AWS stores it in lower case and matches it case-insensitively, so the action uses '${value}'.`,
      )
    }
  }
}

/**
 * Validates raw input strings (by input name; missing = '') and returns frozen Settings.
 * `env` supplies the region fallback, `github` (`@actions/github`'s context) the run; `log` hears
 * which names were lower-cased. Throws InputError.
 */
export function parseSettings(
  raw: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
  log?: SettingsLog,
  github: GitHubContext = runnerContext,
): Settings {
  checkSingleLine(raw)
  const value = (name: InputName): string => (raw[name] ?? '').trim() || INPUT_DEFAULTS[name]
  const optional = <T>(
    name: InputName,
    parse: (input: string, value: string) => T,
  ): T | undefined => (value(name) === '' ? undefined : parse(name, value(name)))
  const given = <T>(name: InputName, parse: (input: string, value: string) => T): T =>
    parse(name, value(name))

  const sourceRole = optional('source-role-arn', roleArn)
  const destinationRole = optional('destination-role-arn', roleArn) ?? sourceRole
  const sourceValue = value('source')
  const source = sourceValue.startsWith('arn:') ? sourceArn('source', sourceValue) : undefined
  const kms = optional('kms-key-id', kmsKey)
  const snapshot = optional('snapshot-arn', snapshotArn)
  const run = runContextOf(github)

  const settings: Settings = {
    operation: given('operation', oneOf(OPERATIONS)),
    planOperation: given('plan-operation', oneOf(PLANNED_OPERATIONS)),
    phase: given('phase', oneOf(PHASES)),
    region: region(raw['aws-region'] ?? '', env),
    sourceRoleArn: sourceRole?.arn,
    destinationRoleArn: destinationRole?.arn,
    audience: value('audience'),
    roleSessionName: sessionName(
      'role-session-name',
      value('role-session-name') || defaultSessionName(run),
    ),
    roleDurationSeconds: given('role-duration-seconds', intInRange({ min: 900, max: 43200 })),
    allowedAccountIds: accountIds('allowed-account-ids', value('allowed-account-ids')),
    source: source
      ? { identifier: source.name, arn: source.arn, accountId: source.accountId }
      : optional('source', (input, id) => ({ identifier: identifier(input, id) })),
    target: optional('target', identifier),
    method: given('method', oneOf(METHODS)),
    multiAzPath: given('multi-az-path', oneOf(MULTI_AZ_PATHS)),
    ifExists: given('if-exists', oneOf(IF_EXISTS)),
    replaceStrategy: given('replace-strategy', oneOf(REPLACE_STRATEGIES)),
    snapshotArn: snapshot?.arn,
    kmsKeyId: kms?.value,
    dbSubnetGroup: optional('db-subnet-group', subnetGroupName),
    vpcSecurityGroupIds: securityGroups('vpc-security-group-ids', value('vpc-security-group-ids')),
    dbClusterParameterGroup: optional('db-cluster-parameter-group', parameterGroupName),
    dbParameterGroup: optional('db-parameter-group', parameterGroupName),
    tempDbSubnetGroup: optional('temp-db-subnet-group', subnetGroupName),
    tempVpcSecurityGroupIds: securityGroups(
      'temp-vpc-security-group-ids',
      value('temp-vpc-security-group-ids'),
    ),
    instanceClass: optional('instance-class', instanceClass),
    instanceCount: given('instance-count', intInRange({ min: 1, max: 16 })),
    serverless: serverlessScaling(
      value('serverless-min-capacity'),
      value('serverless-max-capacity'),
    ),
    storageType: optional('storage-type', oneOf(STORAGE_TYPES)),
    iops: optional('iops', intInRange({ min: 1000, max: 256000 })),
    multiAz: given('multi-az', bool),
    publiclyAccessible: given('publicly-accessible', bool),
    deletionProtection: given('deletion-protection', bool),
    masterPassword: given('master-password', oneOf(MASTER_PASSWORDS)),
    ttlSeconds: optional('ttl', ttlDuration),
    tags: given('tags', tags),
    keepSnapshots: given('keep-snapshots', bool),
    allowExternalPrincipals: given('allow-external-principals', bool),
    finalSnapshotIdentifier: optional('final-snapshot-identifier', identifier),
    timeoutMinutes: deadlineMinutes(raw, log),
    pollIntervalSeconds: given('poll-interval-seconds', decimalInRange({ min: 0.01, max: 300 })),
    maxAttempts: given('max-attempts', intInRange({ min: 1, max: 20 })),
    endpointUrl: optional('endpoint-url', httpUrl),
    pullRequestComment: given('pull-request-comment', bool),
    githubToken: githubToken(value('github-token')),
    run,
  }
  const parsed: Parsed = {
    settings,
    sourceRole,
    destinationRole,
    sourceArn: source,
    snapshot,
    kmsKey: kms,
  }
  checkRules(parsed)
  if (log) reportLowerCased(raw, settings, log)
  return deepFreeze(settings)
}

const REGION_RULE =
  'a region looks like us-east-1, eu-central-2, us-gov-west-1 or cn-north-1 (one region serves both accounts).'

/** `aws-region`, else AWS_REGION, else AWS_DEFAULT_REGION. */
function region(input: string, env: NodeJS.ProcessEnv): string {
  const sources: [string, string | undefined][] = [
    ['', input.trim()],
    [' (from AWS_REGION)', env.AWS_REGION],
    [' (from AWS_DEFAULT_REGION)', env.AWS_DEFAULT_REGION],
  ]
  const found = sources.find(([, value]) => value)
  if (!found) {
    throw new InputError(
      'aws-region',
      '',
      "No region: set the input 'aws-region' or the environment variable AWS_REGION (one region serves both accounts).",
    )
  }
  const [from, value = ''] = found
  if (!isRegion(value)) {
    throw new InputError(
      'aws-region',
      value,
      `Input 'aws-region'${from} is '${value}': ${REGION_RULE}`,
    )
  }
  return value
}

/** The token, unless it is the default expression unexpanded (a run outside Actions). */
function githubToken(value: string): string | undefined {
  return value === '' || value === INPUT_DEFAULTS['github-token'] ? undefined : value
}

function securityGroups(input: InputName, value: string): readonly string[] {
  return listItems(value).map((item) => securityGroupId(input, item))
}

function accountIds(input: InputName, value: string): readonly string[] {
  return listItems(value).map((item) => accountId(input, item))
}

const DEADLINE_MINUTES = decimalInRange({
  min: 0.1,
  max: 350,
  note: 'a GitHub job stops after 6 hours',
})
const DEFAULT_DEADLINE_MINUTES = '350'

/**
 * `deadline-minutes`, or `timeout-minutes`, its former name: that one read like the step keyword
 * `timeout-minutes`, which the runner enforces on the whole step. The former name still works,
 * with one warning; given both, they must agree.
 */
function deadlineMinutes(raw: Readonly<Record<string, string>>, log?: SettingsLog): number {
  const current = (raw['deadline-minutes'] ?? '').trim()
  const former = (raw['timeout-minutes'] ?? '').trim()
  if (former === '')
    return DEADLINE_MINUTES('deadline-minutes', current || DEFAULT_DEADLINE_MINUTES)
  const minutes = DEADLINE_MINUTES('timeout-minutes', former)
  if (current !== '' && DEADLINE_MINUTES('deadline-minutes', current) !== minutes) {
    throw new InputError(
      'timeout-minutes',
      former,
      `Inputs 'deadline-minutes' (${current}) and 'timeout-minutes' (${former}) disagree: 'timeout-minutes' is the former name of 'deadline-minutes'. Give only 'deadline-minutes'.`,
    )
  }
  log?.warning(
    `Input 'timeout-minutes' is deprecated: rename it to 'deadline-minutes' (same meaning, ${minutes} minutes here). The old name reads like the step keyword 'timeout-minutes', which the runner applies to the whole step; it will be removed in the next major version.`,
    { title: 'Deprecated input timeout-minutes (use deadline-minutes)' },
  )
  return minutes
}

const MIN_CAPACITY = decimalInRange({ min: 0, max: 256, step: 0.5 })
const MAX_CAPACITY = decimalInRange({ min: 1, max: 256, step: 0.5 })

/** Both capacities or neither, min not above max. */
function serverlessScaling(min: string, max: string): ServerlessScaling | undefined {
  if (min === '' && max === '') return undefined
  if (min === '' || max === '') {
    const [missing, present] =
      min === ''
        ? ['serverless-min-capacity', 'serverless-max-capacity']
        : ['serverless-max-capacity', 'serverless-min-capacity']
    throw new InputError(
      missing,
      '',
      `Input '${missing}' is required with '${present}': give both serverless capacities or neither.`,
    )
  }
  const minCapacity = MIN_CAPACITY('serverless-min-capacity', min)
  const maxCapacity = MAX_CAPACITY('serverless-max-capacity', max)
  if (minCapacity > maxCapacity) {
    throw invalid(
      'serverless-min-capacity',
      min,
      `the minimum must not exceed serverless-max-capacity (${max}).`,
    )
  }
  return { minCapacity, maxCapacity }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
