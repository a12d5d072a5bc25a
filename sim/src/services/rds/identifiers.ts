/**
 * RDS identifiers as AWS treats them: stored in lower case and matched case-insensitively, and
 * refused with InvalidParameterValue when a name being created breaks the naming rules of its kind.
 * The rules are the RDS model's documentation of each member (the @aws-sdk/client-rds model docs),
 * quoted in README.md.
 */
import { invalidValue } from './common.ts'
import type { Input } from './common.ts'

interface NameRule {
  readonly max: number
  /** Letters, digits and hyphens; subnet groups also allow periods, underscores and spaces. */
  readonly extended?: boolean
  /** Subnet groups: "Must not be default." */
  readonly notDefault?: boolean
}

const SHORT: NameRule = { max: 63 }
const LONG: NameRule = { max: 255 }
export const SUBNET_GROUP_RULE: NameRule = { max: 255, extended: true, notDefault: true }
export const PARAMETER_GROUP_RULE = LONG

/** The members through which each operation names something it creates, with their rule. */
const CREATED: Readonly<Record<string, Readonly<Record<string, NameRule>>>> = {
  RestoreDBClusterToPointInTime: { DBClusterIdentifier: SHORT },
  RestoreDBClusterFromSnapshot: { DBClusterIdentifier: SHORT },
  ModifyDBCluster: { NewDBClusterIdentifier: SHORT },
  CreateDBInstance: { DBInstanceIdentifier: SHORT },
  RestoreDBInstanceFromDBSnapshot: { DBInstanceIdentifier: SHORT },
  ModifyDBInstance: { NewDBInstanceIdentifier: SHORT },
  CreateDBClusterSnapshot: { DBClusterSnapshotIdentifier: SHORT },
  CopyDBClusterSnapshot: { TargetDBClusterSnapshotIdentifier: SHORT },
  DeleteDBCluster: { FinalDBSnapshotIdentifier: LONG },
  CreateDBSnapshot: { DBSnapshotIdentifier: LONG },
  CopyDBSnapshot: { TargetDBSnapshotIdentifier: LONG },
  DeleteDBInstance: { FinalDBSnapshotIdentifier: LONG },
}

/** Members that name an RDS resource or placement object (by identifier or ARN). */
const NAME_MEMBERS = new Set([
  'DBClusterIdentifier',
  'DBInstanceIdentifier',
  'DBClusterSnapshotIdentifier',
  'DBSnapshotIdentifier',
  'SourceDBClusterIdentifier',
  'SnapshotIdentifier',
  'NewDBClusterIdentifier',
  'NewDBInstanceIdentifier',
  'SourceDBClusterSnapshotIdentifier',
  'TargetDBClusterSnapshotIdentifier',
  'SourceDBSnapshotIdentifier',
  'TargetDBSnapshotIdentifier',
  'FinalDBSnapshotIdentifier',
  'DBSubnetGroupName',
  'DBClusterParameterGroupName',
  'DBParameterGroupName',
  'ResourceName',
])

/** Filters whose values are identifiers or ARNs. */
const NAME_FILTERS = new Set([
  'db-cluster-id',
  'db-instance-id',
  'db-cluster-snapshot-id',
  'db-snapshot-id',
])

/** An identifier, or the identifier part of an RDS ARN, in lower case. */
export function lowerName(ref: string): string {
  const arn = /^(arn:aws[\w-]*:rds:[^:]*:\d{12}:[a-z-]+:)(.+)$/.exec(ref)
  return arn ? `${arn[1]}${(arn[2] as string).toLowerCase()}` : ref.toLowerCase()
}

/** The input with every name lower-cased, as RDS stores and matches them. */
export function lowerCaseNames(input: Input): Input {
  const out: Record<string, unknown> = { ...input }
  for (const [member, value] of Object.entries(input)) {
    if (NAME_MEMBERS.has(member) && typeof value === 'string') out[member] = lowerName(value)
  }
  if (Array.isArray(input.Filters)) {
    out.Filters = (input.Filters as { Name: string; Values?: string[] }[]).map((f) =>
      NAME_FILTERS.has(f.Name) ? { ...f, Values: (f.Values ?? []).map(lowerName) } : f,
    )
  }
  return out
}

/** Throws InvalidParameterValue when a name the operation creates breaks its kind's rules. */
export function checkCreatedNames(operation: string, input: Input): void {
  for (const [member, rule] of Object.entries(CREATED[operation] ?? {})) {
    const value = input[member]
    if (typeof value === 'string') checkName(member, value, rule)
  }
}

/** The naming rule of one kind (letter first; no `--`, no trailing `-`; length; charset). */
export function checkName(member: string, value: string, rule: NameRule): void {
  const chars = rule.extended ? /^[A-Za-z0-9._ -]*$/ : /^[A-Za-z0-9-]*$/
  const valid =
    value.length >= 1 &&
    value.length <= rule.max &&
    chars.test(value) &&
    /^[A-Za-z]/.test(value) &&
    !value.endsWith('-') &&
    !value.includes('--') &&
    !(rule.notDefault && value.toLowerCase() === 'default')
  if (valid) return
  const allowed = rule.extended
    ? 'ASCII letters, digits, periods, underscores, spaces and hyphens'
    : 'ASCII letters, digits, and hyphens'
  throw invalidValue(
    `The parameter ${member} is not a valid identifier. Identifiers must begin with a letter; must contain only ${allowed}; must be 1 to ${rule.max} characters long${rule.notDefault ? '; must not be default' : ''}; and must not end with a hyphen or contain two consecutive hyphens.`,
  )
}
