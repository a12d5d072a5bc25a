/** Shared pieces of the RDS handlers: input access, AWS errors, lookups, keys, placement, paging. */
import { AwsError } from '../../core/types.ts'
import type { KeyInfo } from '../../core/types.ts'
import type { AccountState, RdsStore } from './store.ts'
import type {
  ClusterRecord,
  ClusterSnapshotRecord,
  MasterUserSecret,
  SnapshotRecord,
  Tag,
} from './records.ts'

export type Input = Readonly<Record<string, unknown>>

export function str(input: Input, name: string): string | undefined {
  const value = input[name]
  return typeof value === 'string' ? value : undefined
}

export function bool(input: Input, name: string): boolean | undefined {
  const value = input[name]
  return typeof value === 'boolean' ? value : undefined
}

export function num(input: Input, name: string): number | undefined {
  const value = input[name]
  return typeof value === 'number' ? value : undefined
}

export function strList(input: Input, name: string): string[] | undefined {
  const value = input[name]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined
}

export function tagsOf(input: Input): Tag[] {
  const value = input.Tags
  if (!Array.isArray(value)) return []
  return checkTags(
    value.map((t: { Key?: unknown; Value?: unknown }) => ({
      Key: String(t.Key ?? ''),
      Value: String(t.Value ?? ''),
    })),
  )
}

/** "A resource can have a maximum of 50 tags" (RDS User Guide, Tagging Amazon RDS resources). */
export const MAX_TAGS = 50
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/**
 * The RDS API reference's Tag rules: key 1-128 and value 0-256 Unicode characters, from the tag
 * character set, no `aws:` key prefix; and at most 50 tags on one resource.
 */
export function checkTags(tags: Tag[]): Tag[] {
  if (tags.length > MAX_TAGS) {
    throw invalidValue(
      `A resource can have a maximum of ${MAX_TAGS} tags; the request has ${tags.length}.`,
    )
  }
  for (const { Key, Value } of tags) {
    const keyLength = [...Key].length
    if (keyLength < 1 || keyLength > 128 || [...Value].length > 256) {
      throw invalidValue(`Tag ${Key}: a key has 1-128 characters and a value at most 256.`)
    }
    if (!TAG_TEXT.test(Key) || !TAG_TEXT.test(Value) || /^aws:/i.test(Key)) {
      throw invalidValue(
        `Tag ${Key}=${Value} has characters tags do not allow, or a reserved prefix.`,
      )
    }
  }
  return tags
}

/** Merges tag lists; later keys win. */
export function mergeTags(...lists: Tag[][]): Tag[] {
  const byKey = new Map<string, Tag>()
  for (const tag of lists.flat()) byKey.set(tag.Key, { ...tag })
  return [...byKey.values()]
}

export const invalidValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValue', message, 400)
export const invalidCombination = (message: string): AwsError =>
  new AwsError('InvalidParameterCombination', message, 400)

export const clusterNotFound = (id: string): AwsError =>
  new AwsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404)
export const instanceNotFound = (id: string): AwsError =>
  new AwsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404)
export const clusterSnapshotNotFound = (id: string): AwsError =>
  new AwsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot not found: ${id}`, 404)
export const snapshotNotFound = (id: string, extra = ''): AwsError =>
  new AwsError('DBSnapshotNotFound', `DBSnapshot not found: ${id}${extra}`, 404)
export const kmsNotAccessible = (message: string): AwsError =>
  new AwsError('KMSKeyNotAccessibleFault', message, 400)

interface ParsedArn {
  readonly account: string
  readonly kind: string
  readonly identifier: string
}

/** Parses `arn:aws:rds:<region>:<account>:<kind>:<id>`; undefined for a plain identifier. */
export function parseRdsArn(ref: string): ParsedArn | undefined {
  const match = /^arn:aws[\w-]*:rds:[^:]*:(\d{12}):([a-z-]+):(.+)$/.exec(ref)
  if (!match) return undefined
  return { account: match[1] as string, kind: match[2] as string, identifier: match[3] as string }
}

/**
 * A DB cluster by identifier (caller's account) or ARN. Another account's cluster answers only
 * when `allowShared` and it is shared to the caller through RAM; otherwise, exactly as if it did
 * not exist, `DBClusterNotFoundFault`.
 */
export function findCluster(
  store: RdsStore,
  caller: string,
  ref: string,
  allowShared = false,
): ClusterRecord {
  const arn = parseRdsArn(ref)
  if (!arn) {
    const own = store.account(caller).clusters.get(ref)
    if (!own) throw clusterNotFound(ref)
    return own
  }
  if (arn.kind !== 'cluster') throw clusterNotFound(ref)
  const cluster = store.account(arn.account).clusters.get(arn.identifier)
  if (!cluster) throw clusterNotFound(ref)
  if (arn.account === caller) return cluster
  if (allowShared && store.ram.isSharedWith(store.arnOf(cluster), caller)) return cluster
  throw clusterNotFound(ref)
}

/** Whether a snapshot's `restore` attribute lets `account` see it. */
export function sharedTo(snapshot: { sharedWith: string[] }, account: string): boolean {
  return snapshot.sharedWith.includes(account) || snapshot.sharedWith.includes('all')
}

/** A DB cluster snapshot by identifier (own) or ARN (own, or shared to the caller). */
export function findClusterSnapshot(
  store: RdsStore,
  caller: string,
  ref: string,
): ClusterSnapshotRecord {
  const arn = parseRdsArn(ref)
  const account = arn?.account ?? caller
  const id = arn ? arn.identifier : ref
  if (arn && arn.kind !== 'cluster-snapshot') throw clusterSnapshotNotFound(ref)
  const snapshot = store.account(account).clusterSnapshots.get(id)
  if (!snapshot || (account !== caller && !sharedTo(snapshot, caller))) {
    throw clusterSnapshotNotFound(ref)
  }
  return snapshot
}

/** A DB snapshot by identifier (own) or ARN (own, or shared to the caller). */
export function findSnapshot(store: RdsStore, caller: string, ref: string): SnapshotRecord {
  const arn = parseRdsArn(ref)
  const account = arn?.account ?? caller
  const id = arn ? arn.identifier : ref
  if (arn && arn.kind !== 'snapshot') throw snapshotNotFound(ref)
  const snapshot = store.account(account).snapshots.get(id)
  if (!snapshot || (account !== caller && !sharedTo(snapshot, caller))) throw snapshotNotFound(ref)
  return snapshot
}

/** A restore reads only an `available` snapshot; AWS names the kind in its refusal. */
export function requireAvailableSnapshot(snap: ClusterSnapshotRecord | SnapshotRecord): void {
  if (snap.status === 'available') return
  throw snap.type === 'db-snapshot'
    ? new AwsError('InvalidDBSnapshotState', `DBSnapshot ${snap.identifier} is not available.`, 400)
    : new AwsError(
        'InvalidDBClusterSnapshotStateFault',
        `DBClusterSnapshot ${snap.identifier} is not available.`,
        400,
      )
}

/** A key the caller names (`KmsKeyId`), resolved and checked usable, else KMSKeyNotAccessibleFault. */
export function usableKey(store: RdsStore, caller: string, keyRef: string): KeyInfo {
  const key = store.kms.resolveKey(caller, keyRef)
  if (!key || !key.enabled || !store.kms.canUse(caller, key.arn)) {
    throw kmsNotAccessible(
      `The specified KMS key [${keyRef}] does not exist, is not enabled or you do not have permissions to access it.`,
    )
  }
  return key
}

/**
 * The RDS-managed master user secret that `ManageMasterUserPassword` creates: `creating` until
 * the modification finishes, when `activate` is called.
 */
export function newManagedSecret(
  store: RdsStore,
  options: { caller: string; kind: 'cluster' | 'db'; input: Input },
): { secret: MasterUserSecret; activate: () => void } {
  const keyRef = str(options.input, 'MasterUserSecretKmsKeyId')
  const secret: MasterUserSecret = {
    SecretArn: store.secretArn(options.caller, options.kind),
    SecretStatus: 'creating',
    KmsKeyId: keyRef
      ? usableKey(store, options.caller, keyRef).arn
      : store.secretsManagerKeyArn(options.caller),
  }
  return { secret, activate: () => (secret.SecretStatus = 'active') }
}

/** Whether `caller` may use the key that encrypts a resource of another account. */
export function checkSourceKey(store: RdsStore, caller: string, keyArn: string): void {
  const key = store.kms.resolveKey(caller, keyArn)
  if (!key || !key.enabled || !store.kms.canUse(caller, keyArn)) {
    throw kmsNotAccessible(`The source KMS key [${keyArn}] is not accessible to account ${caller}.`)
  }
}

/** Whether a key ARN is an account's AWS-managed `aws/rds` key. */
export function isAwsManaged(store: RdsStore, owner: string, keyArn: string): boolean {
  return store.kms.resolveKey(owner, keyArn)?.manager === 'AWS'
}

export function checkSubnetGroup(acct: AccountState, name: string | undefined): string {
  const group = name ?? 'default'
  if (!acct.subnetGroups.has(group)) {
    throw new AwsError(
      'DBSubnetGroupNotFoundFault',
      `DB subnet group '${group}' does not exist.`,
      404,
    )
  }
  return group
}

export function checkSecurityGroups(acct: AccountState, ids: string[] | undefined): string[] {
  if (!ids || ids.length === 0) return [acct.defaultSecurityGroupId]
  for (const id of ids) {
    if (!acct.securityGroupIds.has(id)) {
      throw invalidValue(`Invalid security group , groupId= ${id}, groupName=.`)
    }
  }
  return [...ids]
}

/** Parameter group families: `aurora-postgresql` 16.4 → `aurora-postgresql16`, mysql 8.0 → `mysql8.0`. */
export function parameterFamily(engine: string, version: string): string {
  const major = engine.includes('postgres')
    ? version.split('.')[0]
    : version.split('.').slice(0, 2).join('.')
  return `${engine}${major ?? ''}`
}

export function checkClusterParameterGroup(
  acct: AccountState,
  name: string | undefined,
  family: string,
): string {
  if (name === undefined) return `default.${family}`
  const group = acct.clusterParameterGroups.get(name)
  if (!group && !name.startsWith('default.')) {
    throw new AwsError(
      'DBClusterParameterGroupNotFound',
      `DBClusterParameterGroup not found: ${name}`,
      404,
    )
  }
  checkFamily(name, group?.family ?? name.slice('default.'.length), family)
  return name
}

/** A parameter group serves only its own family (engine and major version). */
function checkFamily(name: string, groupFamily: string, family: string): void {
  if (groupFamily === family) return
  throw invalidCombination(
    `The parameter group ${name} with DBParameterGroupFamily ${groupFamily} can't be used for this instance. Use a parameter group with DBParameterGroupFamily ${family}.`,
  )
}

export function checkParameterGroup(
  acct: AccountState,
  name: string | undefined,
  family: string,
): string {
  if (name === undefined) return `default.${family}`
  const group = acct.parameterGroups.get(name)
  if (!group && !name.startsWith('default.')) {
    throw new AwsError('DBParameterGroupNotFound', `DBParameterGroup not found: ${name}`, 404)
  }
  checkFamily(name, group?.family ?? name.slice('default.'.length), family)
  return name
}

/** Validates ServerlessV2ScalingConfiguration (0..256 / 1..256 ACU in 0.5 steps, min ≤ max). */
export function scalingConfig(
  input: Input,
): { MinCapacity: number; MaxCapacity: number } | undefined {
  const value = input.ServerlessV2ScalingConfiguration as
    { MinCapacity?: number; MaxCapacity?: number } | undefined
  if (!value) return undefined
  const { MinCapacity: min, MaxCapacity: max } = value
  if (min === undefined || max === undefined) {
    throw invalidCombination(
      'ServerlessV2ScalingConfiguration requires both MinCapacity and MaxCapacity.',
    )
  }
  const halfStep = (n: number): boolean => Number.isInteger(n * 2)
  if (min < 0 || min > 256 || !halfStep(min)) {
    throw invalidValue(
      `Serverless v2 MinCapacity ${min} isn't valid. Specify a value from 0 to 256 in increments of 0.5 ACU.`,
    )
  }
  if (max < 1 || max > 256 || !halfStep(max)) {
    throw invalidValue(
      `Serverless v2 MaxCapacity ${max} isn't valid. Specify a value from 1 to 256 in increments of 0.5 ACU.`,
    )
  }
  if (min > max) {
    throw invalidCombination(
      `Serverless v2 MinCapacity ${min} can't be greater than MaxCapacity ${max}.`,
    )
  }
  return { MinCapacity: min, MaxCapacity: max }
}

/** Pages a list with Marker/MaxRecords (Marker is the offset as a string). */
export function page<T>(items: T[], input: Input): { items: T[]; Marker?: string } {
  const max = num(input, 'MaxRecords') ?? 100
  if (max < 20 || max > 100) {
    throw invalidValue(`MaxRecords must be between 20 and 100, got ${max}.`)
  }
  const start = Number(str(input, 'Marker') ?? '0') || 0
  const slice = items.slice(start, start + max)
  const next = start + max < items.length ? String(start + max) : undefined
  return next === undefined ? { items: slice } : { items: slice, Marker: next }
}

/** Filters (`Name`, `Values`) as a map; unknown filter names are rejected like AWS. */
export function filters(input: Input, allowed: string[]): Map<string, string[]> {
  const result = new Map<string, string[]>()
  const list = (input.Filters ?? []) as { Name: string; Values: string[] }[]
  for (const filter of list) {
    if (!allowed.includes(filter.Name)) {
      throw invalidValue(`Unrecognized filter name: ${filter.Name}.`)
    }
    result.set(filter.Name, filter.Values)
  }
  return result
}

/** The Region's default engine version (used when a restore omits EngineVersion). */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<string, string>> = {
  'aurora-postgresql': '16.6',
  'aurora-mysql': '8.0.mysql_aurora.3.08.2',
  postgres: '16.8',
  mysql: '8.0.41',
}

export const ENGINE_FAMILY: Readonly<Record<string, string>> = {
  'aurora-postgresql': 'postgres',
  postgres: 'postgres',
  'aurora-mysql': 'mysql',
  mysql: 'mysql',
}
