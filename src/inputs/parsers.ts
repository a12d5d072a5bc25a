/**
 * Small parsers, one per kind of input value. Each takes the input's name and raw value and
 * returns the typed value or throws an InputError that names the input, the value and what is
 * allowed. They know nothing about other inputs: combinations live in rules.ts.
 */
import { MAX_TAGS_PER_RESOURCE, MAX_USER_TAGS, TAG_CHARACTER_CLASS } from '../tags.js'

/** An input that cannot be used as given; thrown before any AWS call. */
export class InputError extends Error {
  /** Name of the input, as in action.yml. */
  readonly input: string
  /** The offending value (one item of a list input), '' when missing. */
  readonly value: string

  constructor(input: string, value: string, message: string) {
    super(message)
    this.name = 'InputError'
    this.input = input
    this.value = value
  }
}

/** The standard rejection: `Input '<name>' is '<value>': <what is allowed>` */
export function invalid(input: string, value: string, allowed: string): InputError {
  return new InputError(input, value, `Input '${input}' is '${value}': ${allowed}`)
}

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const
const PARTITION = '(aws|aws-cn|aws-us-gov)'
const REGION = '[a-z]{2}(?:-gov)?-[a-z]+-\\d{1,2}'

export const IDENTIFIER_RULE =
  "an identifier has 1-63 letters, digits or hyphens, starts with a letter, and has no '--' and no trailing '-'."

/**
 * AWS's rule for DB identifiers and most RDS names, up to `max` characters: letters, digits and
 * hyphens, a letter first, no `--`, no trailing `-`. The API reference words it the same for each
 * kind (CreateDBInstance DBInstanceIdentifier, CreateDBCluster DBClusterIdentifier,
 * CreateDBClusterSnapshot DBClusterSnapshotIdentifier: "Must contain from 1 to 63 letters,
 * numbers, or hyphens. First character must be a letter. Can't end with a hyphen or contain two
 * consecutive hyphens."; CreateDBSnapshot DBSnapshotIdentifier and the parameter group names:
 * the same with "1 to 255").
 */
export function isRdsName(value: string, max: number): boolean {
  return (
    value.length <= max &&
    /^[A-Za-z][A-Za-z0-9-]*$/.test(value) &&
    !value.includes('--') &&
    !value.endsWith('-')
  )
}

/**
 * DB cluster / instance identifier, in lower case: AWS "stores [it] as a lowercase string" and
 * matches it case-insensitively (CreateDBInstance, CreateDBCluster), so the action compares and
 * derives names in lower case.
 */
export function identifier(input: string, value: string): string {
  if (!isRdsName(value, 63)) throw invalid(input, value, IDENTIFIER_RULE)
  return value.toLowerCase()
}

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-4`. */
export function isRegion(value: string): boolean {
  return new RegExp(`^${REGION}$`).test(value)
}

/** The partition a region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

export interface RoleArn {
  readonly arn: string
  readonly partition: string
  readonly accountId: string
}

/** `arn:<partition>:iam::<account>:role/<path/name>` */
export function roleArn(input: string, value: string): RoleArn {
  const match = new RegExp(
    `^arn:${PARTITION}:iam::(\\d{12}):role/((?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64})$`,
  ).exec(value)
  if (!match) {
    throw invalid(
      input,
      value,
      'a role ARN looks like arn:aws:iam::123456789012:role/name (partition aws, aws-cn or aws-us-gov; a path is allowed).',
    )
  }
  return { arn: value, partition: match[1] ?? '', accountId: match[2] ?? '' }
}

export interface RdsArn {
  readonly arn: string
  readonly partition: string
  readonly region: string
  readonly accountId: string
  readonly resourceType: string
  readonly name: string
}

function rdsArn(value: string, types: readonly string[]): RdsArn | undefined {
  const match = new RegExp(
    `^arn:${PARTITION}:rds:(${REGION}):(\\d{12}):(${types.join('|')}):(.+)$`,
  ).exec(value)
  if (!match) return undefined
  const [, partition = '', region = '', accountId = '', resourceType = '', name = ''] = match
  return { arn: value, partition, region, accountId, resourceType, name }
}

/** `arn:<p>:rds:<region>:<account>:cluster:<id>` or `...:db:<id>`. */
export function sourceArn(input: string, value: string): RdsArn {
  const arn = rdsArn(value, ['cluster', 'db'])
  if (!arn) {
    throw invalid(
      input,
      value,
      'give a DB cluster or DB instance identifier, or its ARN: arn:aws:rds:<region>:<account>:cluster:<id> or arn:aws:rds:<region>:<account>:db:<id> (partition aws, aws-cn or aws-us-gov).',
    )
  }
  if (!isRdsName(arn.name, 63)) throw invalid(input, value, `in its ARN, ${IDENTIFIER_RULE}`)
  return withLowerCaseName(arn)
}

/** The ARN with its resource name in lower case, as AWS stores RDS names. */
function withLowerCaseName(arn: RdsArn): RdsArn {
  const name = arn.name.toLowerCase()
  return { ...arn, name, arn: `${arn.arn.slice(0, arn.arn.length - arn.name.length)}${name}` }
}

/**
 * `arn:<p>:rds:<region>:<account>:snapshot:<name>` or `...:cluster-snapshot:<name>`. The name
 * follows CreateDBSnapshot (1-255) or CreateDBClusterSnapshot (1-63); an automated snapshot's
 * name carries AWS's `rds:` prefix.
 */
export function snapshotArn(input: string, value: string): RdsArn {
  const arn = rdsArn(value, ['snapshot', 'cluster-snapshot'])
  if (!arn) {
    throw invalid(
      input,
      value,
      'a snapshot ARN looks like arn:aws:rds:<region>:<account>:snapshot:<name> or arn:aws:rds:<region>:<account>:cluster-snapshot:<name> (partition aws, aws-cn or aws-us-gov).',
    )
  }
  const max = arn.resourceType === 'cluster-snapshot' ? 63 : 255
  if (!isRdsName(arn.name.replace(/^rds:/, ''), max)) {
    throw invalid(
      input,
      value,
      `in its ARN, a ${arn.resourceType === 'cluster-snapshot' ? 'DB cluster' : 'DB'} snapshot name has 1-${max} letters, digits or hyphens, starts with a letter, and has no '--' and no trailing '-'.`,
    )
  }
  return withLowerCaseName(arn)
}

export type KmsKey =
  | {
      readonly kind: 'arn'
      readonly value: string
      readonly region: string
      readonly partition: string
      /** The account that owns the key (or the alias). */
      readonly accountId: string
    }
  | { readonly kind: 'local'; readonly value: string }

/**
 * KMS key ids are a UUID or, for a multi-Region key, `mrk-` and 32 hex digits; alias names are
 * `alias/` and letters, digits, `/`, `_` or `-` (KMS CreateAlias AliasName: "^alias/[a-zA-Z0-9/_-]+$",
 * 1-256 characters).
 */
const KEY_ID =
  '(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})'
const ALIAS = 'alias/[A-Za-z0-9/_-]{1,250}'

/** A key ARN, alias ARN, key id or `alias/<name>`. */
export function kmsKey(input: string, value: string): KmsKey {
  const arn = new RegExp(
    `^arn:${PARTITION}:kms:(${REGION}):(\\d{12}):(?:key/${KEY_ID}|${ALIAS})$`,
  ).exec(value)
  if (arn) {
    const [, partition = '', region = '', accountId = ''] = arn
    return { kind: 'arn', value, partition, region, accountId }
  }
  if (new RegExp(`^(?:${KEY_ID}|${ALIAS})$`).test(value)) return { kind: 'local', value }
  throw invalid(
    input,
    value,
    'a KMS key is a key ARN (arn:aws:kms:<region>:<account>:key/<id>) or an alias ARN (arn:aws:kms:<region>:<account>:alias/<name>).',
  )
}

/** One of a fixed set of values, case-sensitive. */
export function oneOf<T extends string>(allowed: readonly T[]) {
  return (input: string, value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw invalid(input, value, `allowed values are ${allowed.join(', ')}.`)
    }
    return value as T
  }
}

/** YAML 1.2 core schema booleans, as core.getBooleanInput accepts them. */
export function bool(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(
    input,
    value,
    'a boolean is true, True, TRUE, false, False or FALSE (YAML 1.2 core schema).',
  )
}

export interface RangeOptions {
  readonly min: number
  readonly max: number
  /** Added to the message, e.g. why the bound is there. */
  readonly note?: string
}

/** A whole number within [min, max]. */
export function intInRange({ min, max, note }: RangeOptions) {
  return (input: string, value: string): number => {
    const number = Number(value)
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw invalid(input, value, `allowed is a whole number from ${min} to ${max}${suffix(note)}.`)
    }
    return number
  }
}

/** A decimal number within [min, max], optionally restricted to multiples of `step`. */
export function decimalInRange({ min, max, note, step }: RangeOptions & { step?: number }) {
  return (input: string, value: string): number => {
    const number = Number(value)
    const onStep = step === undefined || Number.isInteger(number / step)
    if (!/^\d+(?:\.\d+)?$/.test(value) || number < min || number > max || !onStep) {
      const steps = step === undefined ? '' : ` in steps of ${step}`
      throw invalid(
        input,
        value,
        `allowed is a number from ${min} to ${max}${steps}${suffix(note)}.`,
      )
    }
    return number
  }
}

function suffix(note: string | undefined): string {
  return note ? ` (${note})` : ''
}

const DURATION_UNITS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86400, w: 604800 }
const MIN_TTL_SECONDS = 3600
const MAX_TTL_SECONDS = 365 * 86400

/** `<n>m`, `<n>h`, `<n>d` or `<n>w`, from 1 hour to 365 days, in seconds. */
export function ttlDuration(input: string, value: string): number {
  const match = /^(\d+)([mhdw])$/.exec(value)
  const seconds = match ? Number(match[1]) * (DURATION_UNITS[match[2] ?? ''] ?? 0) : NaN
  if (!(seconds >= MIN_TTL_SECONDS && seconds <= MAX_TTL_SECONDS)) {
    throw invalid(
      input,
      value,
      'a duration is a whole number with a unit m, h, d or w (e.g. 90m, 72h, 7d, 2w), from 1 hour to 365 days.',
    )
  }
  return seconds
}

/** Items separated by commas or new lines, trimmed, empty ones dropped. */
export function listItems(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** A VPC security group id in a list input. */
export function securityGroupId(input: string, value: string): string {
  if (!/^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(value)) {
    throw new InputError(
      input,
      value,
      `Input '${input}' has '${value}': a security group id is sg- followed by 8 or 17 lowercase hex digits; separate ids by commas or new lines.`,
    )
  }
  return value
}

export interface Tag {
  readonly key: string
  readonly value: string
}

/** Tags `key=value` separated by commas or new lines; keys unique. */
export function tags(input: string, value: string): Tag[] {
  const seen = new Set<string>()
  const items = listItems(value)
  if (items.length > MAX_USER_TAGS) {
    throw new InputError(
      input,
      value,
      `Input '${input}' has ${items.length} tags: at most ${MAX_USER_TAGS} (AWS allows ${MAX_TAGS_PER_RESOURCE} tags per resource, and the action sets ${MAX_TAGS_PER_RESOURCE - MAX_USER_TAGS} of its own).`,
    )
  }
  return items.map((item) => {
    noWorkflowCommand(input, item)
    const tag = parseTag(input, item)
    if (seen.has(tag.key)) {
      throw new InputError(
        input,
        item,
        `Input '${input}' has the key '${tag.key}' twice: tag keys must be unique.`,
      )
    }
    seen.add(tag.key)
    return tag
  })
}

/**
 * The AWS tag rules (RDS API reference, Tag): a key "can be from 1 to 128 Unicode characters in
 * length and can't be prefixed with aws: or rds:", a value from 0 to 256 with the same prefix
 * rule, and both "can only contain only the set of Unicode letters, digits, white-space, '_',
 * '.', ':', '/', '=', '+', '-', '@' (Java regex: "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")".
 */
const TAG_CHARACTERS = new RegExp(`^[${TAG_CHARACTER_CLASS}]*$`, 'u')
const RESERVED_TAG_PREFIX = /^(?:aws|rds):/i

function parseTag(input: string, item: string): Tag {
  const reject = (allowed: string): InputError =>
    new InputError(input, item, `Input '${input}' has '${item}': ${allowed}`)
  const equals = item.indexOf('=')
  if (equals < 0) throw reject('a tag is key=value; separate tags by commas or new lines.')
  const key = item.slice(0, equals).trim()
  const tagValue = item.slice(equals + 1).trim()
  // Lengths are in Unicode characters (code points), as AWS counts them.
  const length = (text: string): number => [...text].length
  if (length(key) < 1 || length(key) > 128 || length(tagValue) > 256) {
    throw reject('a tag key has 1-128 characters and a value 0-256.')
  }
  if (!TAG_CHARACTERS.test(key) || !TAG_CHARACTERS.test(tagValue)) {
    throw reject(
      "tag keys and values may contain only Unicode letters, digits, spaces and the characters _ . : / = + - @ (AWS's tag character set).",
    )
  }
  if (/^aws:/i.test(key)) throw reject("tag keys starting with 'aws:' are reserved by AWS.")
  if (RESERVED_TAG_PREFIX.test(key) || RESERVED_TAG_PREFIX.test(tagValue)) {
    throw reject("tag keys and values starting with 'aws:' or 'rds:' are reserved by AWS.")
  }
  if (key.startsWith('rds-refresh:')) {
    throw reject("tag keys starting with 'rds-refresh:' are set by the action itself.")
  }
  return { key, value: tagValue }
}

/** An AWS account id in a list input: 12 digits. */
export function accountId(input: string, value: string): string {
  if (!/^\d{12}$/.test(value)) {
    throw new InputError(
      input,
      value,
      `Input '${input}' lists '${value}': an AWS account id has exactly 12 digits (separate ids with commas or new lines).`,
    )
  }
  return value
}

/** STS role session name: 2-64 of letters, digits and `+=,.@_-`. */
export function sessionName(input: string, value: string): string {
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) {
    throw invalid(
      input,
      value,
      'a session name has 2-64 letters, digits or the characters +=,.@_-.',
    )
  }
  return value
}

/** `db.` and a class, e.g. db.r6g.large or db.serverless. */
export function instanceClass(input: string, value: string): string {
  if (value.length > INSTANCE_CLASS_MAX || !/^db\.[a-z0-9]+(?:\.[a-z0-9-]+)*$/.test(value)) {
    throw invalid(
      input,
      value,
      `an instance class looks like db.r6g.large or db.serverless (at most ${INSTANCE_CLASS_MAX} characters).`,
    )
  }
  return value
}

/**
 * Longer than any RDS instance class: the longest in the RDS instance-class tables today
 * (`db.r6gd.16xlarge.tpc2.mem4x`-style optimized-CPU classes) has under 30 characters.
 */
const INSTANCE_CLASS_MAX = 40

/** An http(s) URL. */
export function httpUrl(input: string, value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid(
      input,
      value,
      'an endpoint is an http:// or https:// URL, e.g. http://127.0.0.1:4566.',
    )
  }
  return value
}

const SUBNET_GROUP_RULE =
  "a DB subnet group name has at most 255 letters, digits, periods, underscores, spaces or hyphens, and is not 'default'."

/**
 * DB subnet group name, in lower case. CreateDBSubnetGroup DBSubnetGroupName: "This value is
 * stored as a lowercase string. Constraints: Must contain no more than 255 letters, numbers,
 * periods, underscores, spaces, or hyphens. Must not be default."
 */
export function subnetGroupName(input: string, value: string): string {
  if (!/^[A-Za-z0-9._ -]{1,255}$/.test(value) || value.toLowerCase() === 'default') {
    throw invalid(input, value, SUBNET_GROUP_RULE)
  }
  return value.toLowerCase()
}

const PARAMETER_GROUP_RULE =
  "a parameter group name has 1-255 letters, digits or hyphens, starts with a letter, and has no '--' and no trailing '-' (or is one of AWS's default.<family> groups, e.g. default.aurora-postgresql16)."

/**
 * DB (cluster) parameter group name, in lower case. CreateDBParameterGroup and
 * CreateDBClusterParameterGroup: "Must be 1 to 255 letters, numbers, or hyphens. First character
 * must be a letter. Can't end with a hyphen or contain two consecutive hyphens. ... This value is
 * stored as a lowercase string." The groups AWS makes itself are named `default.<family>`
 * (default.aurora-mysql8.0), which a user may name too.
 */
export function parameterGroupName(input: string, value: string): string {
  const awsDefault = /^default\.[A-Za-z0-9.-]{1,247}$/.test(value)
  if (!awsDefault && !isRdsName(value, 255)) throw invalid(input, value, PARAMETER_GROUP_RULE)
  return value.toLowerCase()
}

/**
 * Refuses a line break or other control character in a value (list inputs: in an item). A new
 * line could start a workflow command such as `::add-mask::` or `::set-output` when the value is
 * printed; the value is therefore never echoed in the message.
 */
export function singleLine(input: string, value: string): void {
  const control = /[\p{Cc}\u2028\u2029]/u.exec(value)
  if (control) {
    throw new InputError(
      input,
      value,
      `Input '${input}' contains a line break or control character (at position ${control.index + 1}): each value is one line of printable text, and a new line could inject a workflow command into the log.`,
    )
  }
}

/**
 * Refuses `::`, which starts a workflow command at the start of a log line, in the inputs whose
 * syntax does not already exclude it (the audience, tags: AWS's tag set has `:`).
 */
export function noWorkflowCommand(input: string, value: string): void {
  if (value.includes('::')) {
    throw new InputError(
      input,
      value,
      `Input '${input}' contains '::', which starts a GitHub workflow command in the log; no valid value of this input has it.`,
    )
  }
}
