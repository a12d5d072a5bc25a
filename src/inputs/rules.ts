/**
 * Checks across inputs: combinations that make no sense, ARNs in another region or partition,
 * and what each operation and phase requires. Runs after every input parsed on its own.
 */
import type { Settings } from '../settings.js'
import {
  InputError,
  invalid,
  partitionOf,
  type KmsKey,
  type RdsArn,
  type RoleArn,
} from './parsers.js'

/** Parsed settings plus the ARN details the checks need. */
export interface Parsed {
  readonly settings: Settings
  readonly sourceRole?: RoleArn
  readonly destinationRole?: RoleArn
  readonly sourceArn?: RdsArn
  readonly snapshot?: RdsArn
  readonly kmsKey?: KmsKey
}

/** Throws the first InputError found, in the order a user would fix them. */
export function checkRules(parsed: Parsed): void {
  for (const rule of RULES) rule(parsed)
}

const RULES: readonly ((parsed: Parsed) => void)[] = [
  phaseOnlyForRefresh,
  snapshotArnOnlyForDestination,
  requiredInputs,
  noCloneAcrossPhases,
  sameRegionAndPartition,
  targetIsNotSource,
  serverlessScaling,
  iopsNeedsProvisionedStorage,
  kmsKeyAcrossAccounts,
  kmsKeyNotOfSourceAccount,
  replaceStrategyOnlyForReplace,
]

function phaseOnlyForRefresh({ settings: { operation, planOperation, phase } }: Parsed): void {
  const planned = operation === 'plan' ? planOperation : operation
  if (phase !== 'all' && planned !== 'refresh') {
    throw invalid(
      'phase',
      phase,
      `phase source or destination applies only to operation refresh (operation is '${operation}'); use phase all.`,
    )
  }
}

function snapshotArnOnlyForDestination({ settings: { snapshotArn, phase } }: Parsed): void {
  if (snapshotArn !== undefined && phase !== 'destination') {
    throw invalid(
      'snapshot-arn',
      snapshotArn,
      `a snapshot ARN is used only with phase destination (phase is '${phase}').`,
    )
  }
}

const REQUIRED_FOR = {
  source: 'the source DB cluster or DB instance, by identifier or ARN',
  target: 'the identifier of the destination cluster or instance',
  'snapshot-arn': 'the snapshot-arn output of the phase source job',
} as const

function requiredInputs({ settings }: Parsed): void {
  const { operation, phase } = settings
  const needs = new Set<keyof typeof REQUIRED_FOR>()
  const planned = operation === 'plan' ? settings.planOperation : operation
  if (planned === 'refresh') {
    if (phase !== 'destination') needs.add('source')
    if (phase !== 'source') needs.add('target')
    if (phase === 'destination') needs.add('snapshot-arn')
  }
  if (planned === 'delete') needs.add('target')
  const present = {
    source: settings.source !== undefined,
    target: settings.target !== undefined,
    'snapshot-arn': settings.snapshotArn !== undefined,
  }
  const what =
    operation === 'plan' ? `operation plan (plan-operation ${planned})` : `operation ${operation}`
  const when = phase === 'all' ? what : `${what} with phase ${phase}`
  for (const name of ['snapshot-arn', 'source', 'target'] as const) {
    if (needs.has(name) && !present[name]) {
      throw new InputError(
        name,
        '',
        `Input '${name}' is required for ${when}: ${REQUIRED_FOR[name]}.`,
      )
    }
  }
}

function noCloneAcrossPhases({ settings: { method, phase } }: Parsed): void {
  if ((method === 'clone' || method === 'full-copy') && phase !== 'all') {
    throw invalid(
      'method',
      method,
      `phase ${phase} hands off a shared snapshot, which a clone does not have; use method auto or relay, or phase all.`,
    )
  }
}

function sameRegionAndPartition(parsed: Parsed): void {
  const { region } = parsed.settings
  const partition = partitionOf(region)
  const arns: [string, { arn: string; partition: string; region?: string } | undefined][] = [
    ['source-role-arn', parsed.sourceRole],
    ['destination-role-arn', parsed.destinationRole],
    ['source', parsed.sourceArn],
    ['snapshot-arn', parsed.snapshot],
    [
      'kms-key-id',
      parsed.kmsKey?.kind === 'arn' ? { ...parsed.kmsKey, arn: parsed.kmsKey.value } : undefined,
    ],
  ]
  for (const [input, arn] of arns) {
    if (!arn) continue
    if (arn.region !== undefined && arn.region !== region) {
      throw invalid(
        input,
        arn.arn,
        `its region ${arn.region} is not the region ${region}; one region serves both accounts, and cross-region copies are out of scope.`,
      )
    }
    if (arn.partition !== partition) {
      throw invalid(
        input,
        arn.arn,
        `its partition ${arn.partition} is not the partition of region ${region} (${partition}).`,
      )
    }
  }
}

/**
 * Whether source and destination are the same account: by account ids when both are known,
 * else when both sides use the same role (or both ambient credentials).
 */
export function isSameAccount({
  settings,
  sourceRole,
  destinationRole,
  sourceArn,
}: Parsed): boolean {
  const sourceAccount = sourceArn?.accountId ?? sourceRole?.accountId
  if (sourceAccount !== undefined && destinationRole !== undefined) {
    return sourceAccount === destinationRole.accountId
  }
  return settings.sourceRoleArn === settings.destinationRoleArn
}

/** Identifiers are compared as AWS matches them: case-insensitively. */
function targetIsNotSource(parsed: Parsed): void {
  const { target, source } = parsed.settings
  const same = target?.toLowerCase() === source?.identifier.toLowerCase()
  if (target !== undefined && same && isSameAccount(parsed)) {
    throw invalid(
      'target',
      target,
      'it is the source itself (same identifier in the same account); the target must be another database.',
    )
  }
}

function serverlessScaling({ settings: { serverless, instanceClass } }: Parsed): void {
  if (serverless === undefined && instanceClass === 'db.serverless') {
    throw invalid(
      'instance-class',
      instanceClass,
      'db.serverless needs serverless-min-capacity and serverless-max-capacity.',
    )
  }
  if (
    serverless !== undefined &&
    instanceClass !== undefined &&
    instanceClass !== 'db.serverless'
  ) {
    throw invalid(
      'instance-class',
      instanceClass,
      'serverless-min-capacity and serverless-max-capacity apply only to instance class db.serverless.',
    )
  }
}

function kmsKeyAcrossAccounts(parsed: Parsed): void {
  const { kmsKey } = parsed
  if (kmsKey?.kind === 'local' && !isSameAccount(parsed)) {
    throw invalid(
      'kms-key-id',
      kmsKey.value,
      'source and destination are different accounts, and a cross-account copy needs the destination key by key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (arn:aws:kms:<region>:<account>:alias/<name>); a key id or alias/name is accepted only when both sides use the same account.',
    )
  }
}

/** Storage types whose IOPS are set by AWS, never by the caller (gp2 by size, magnetic, Aurora). */
const NO_PROVISIONED_IOPS = new Set(['gp2', 'standard', 'aurora', 'aurora-iopt1'])

function iopsNeedsProvisionedStorage({ settings: { iops, storageType } }: Parsed): void {
  if (iops === undefined || storageType === undefined || !NO_PROVISIONED_IOPS.has(storageType)) {
    return
  }
  throw invalid(
    'iops',
    String(iops),
    `storage-type ${storageType} has no provisioned IOPS; set iops only with storage-type io1, io2 or gp3 (or leave storage-type empty to keep the source's).`,
  )
}

/** The account that owns the source, when the inputs say: the source ARN's, else the source role's. */
export function sourceAccountOf({ sourceArn, sourceRole }: Parsed): string | undefined {
  return sourceArn?.accountId ?? sourceRole?.accountId
}

/**
 * The message for a `kms-key-id` of the source account on a cross-account copy. Such a key
 * would encrypt the non-production copy with the production key: production's key policy then
 * governs who reads staging, and the copy breaks when that policy changes. Shared with the check
 * that runs once the accounts are known (methods/common/applicability.ts).
 */
export function sourceAccountKeyMessage(accounts: {
  readonly source: string
  readonly destination: string
}): string {
  return `this key belongs to the source account ${accounts.source}, so the copy in account ${accounts.destination} would be encrypted with the production key (readable by whoever the production key policy lets in, and broken when that policy changes). Pass a customer-managed key of the destination account ${accounts.destination} (arn:aws:kms:<region>:${accounts.destination}:key/<id> or an alias ARN), which the copy is re-encrypted with.`
}

function kmsKeyNotOfSourceAccount(parsed: Parsed): void {
  const { kmsKey, destinationRole } = parsed
  const source = sourceAccountOf(parsed)
  if (kmsKey?.kind !== 'arn' || source === undefined || destinationRole === undefined) return
  if (source === destinationRole.accountId || kmsKey.accountId !== source) return
  throw invalid(
    'kms-key-id',
    kmsKey.value,
    sourceAccountKeyMessage({ source, destination: destinationRole.accountId }),
  )
}

function replaceStrategyOnlyForReplace({ settings: { replaceStrategy, ifExists } }: Parsed): void {
  if (replaceStrategy !== 'swap' && ifExists !== 'replace') {
    throw invalid(
      'replace-strategy',
      replaceStrategy,
      `replace-strategy says how if-exists: replace frees the target name, and if-exists is '${ifExists}'; set if-exists: replace, or leave replace-strategy out.`,
    )
  }
}
