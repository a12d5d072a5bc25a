/**
 * Small parsers, one per kind of input value. Each takes the input's name and raw value and
 * returns the typed value or throws an InputError that names the input, the value and what is
 * allowed. They know nothing about other inputs: combinations live in rules.ts.
 */

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

/** DB cluster / instance identifier. */
export function identifier(input: string, value: string): string {
  const ok =
    /^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(value) && !value.includes('--') && !value.endsWith('-')
  if (!ok) throw invalid(input, value, IDENTIFIER_RULE)
  return value
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
  try {
    identifier(input, arn.name)
  } catch {
    throw invalid(input, value, `in its ARN, ${IDENTIFIER_RULE}`)
  }
  return arn
}

/** `arn:<p>:rds:<region>:<account>:snapshot:<name>` or `...:cluster-snapshot:<name>`. */
export function snapshotArn(input: string, value: string): RdsArn {
  const arn = rdsArn(value, ['snapshot', 'cluster-snapshot'])
  if (!arn || !/^[A-Za-z][A-Za-z0-9:-]{0,254}$/.test(arn.name)) {
    throw invalid(
      input,
      value,
      'a snapshot ARN looks like arn:aws:rds:<region>:<account>:snapshot:<name> or arn:aws:rds:<region>:<account>:cluster-snapshot:<name> (partition aws, aws-cn or aws-us-gov).',
    )
  }
  return arn
}

export type KmsKey =
  | {
      readonly kind: 'arn'
      readonly value: string
      readonly region: string
      readonly partition: string
    }
  | { readonly kind: 'local'; readonly value: string }

/** A key ARN, alias ARN, key id or `alias/<name>`. */
export function kmsKey(input: string, value: string): KmsKey {
  const arn = new RegExp(
    `^arn:${PARTITION}:kms:(${REGION}):\\d{12}:(?:key/[A-Za-z0-9-]{1,128}|alias/[A-Za-z0-9/_-]{1,250})$`,
  ).exec(value)
  if (arn) return { kind: 'arn', value, partition: arn[1] ?? '', region: arn[2] ?? '' }
  if (/^(?:[A-Za-z0-9-]{1,128}|alias\/[A-Za-z0-9/_-]{1,250})$/.test(value)) {
    return { kind: 'local', value }
  }
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
  return listItems(value).map((item) => {
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

function parseTag(input: string, item: string): Tag {
  const reject = (allowed: string): InputError =>
    new InputError(input, item, `Input '${input}' has '${item}': ${allowed}`)
  const equals = item.indexOf('=')
  if (equals < 0) throw reject('a tag is key=value; separate tags by commas or new lines.')
  const key = item.slice(0, equals).trim()
  const tagValue = item.slice(equals + 1).trim()
  if (key.length < 1 || key.length > 128 || tagValue.length > 256) {
    throw reject('a tag key has 1-128 characters and a value 0-256.')
  }
  if (/^aws:/i.test(key)) throw reject("tag keys starting with 'aws:' are reserved by AWS.")
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
  if (!/^db\.[a-z0-9]+(?:\.[a-z0-9-]+)*$/.test(value)) {
    throw invalid(input, value, 'an instance class looks like db.r6g.large or db.serverless.')
  }
  return value
}

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

/** Free text passed to AWS as is (names AWS checks itself). */
export function text(_input: string, value: string): string {
  return value
}
