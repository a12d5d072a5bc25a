import type { AccountSide } from './engine/types.js'

/** Where and what failed; every field is optional because errors arise at every layer. */
export interface ErrorContext {
  /** What failed, as one sentence without a final period, e.g. "Could not clone prod-aurora". */
  readonly summary: string
  readonly step?: string
  readonly resource?: string
  readonly side?: AccountSide
  readonly accountId?: string
  /** The AWS error code (wire code or SDK exception name). */
  readonly code?: string
  /** AWS's own message. */
  readonly awsMessage?: string
  /** What the user can do about it. */
  readonly hint?: string
  readonly cause?: unknown
}

/**
 * An error a user can act on: which step, which resource, which account, the AWS error code and
 * message, and what to do. `message` carries all of it, so `setFailed(message)` says everything.
 */
export class ActionError extends Error {
  readonly step?: string
  readonly resource?: string
  readonly side?: AccountSide
  readonly accountId?: string
  readonly code?: string
  readonly awsMessage?: string
  readonly hint?: string
  readonly summary: string

  constructor(context: ErrorContext) {
    super(formatMessage(context), context.cause === undefined ? undefined : { cause: context.cause })
    this.name = 'ActionError'
    this.summary = context.summary
    this.step = context.step
    this.resource = context.resource
    this.side = context.side
    this.accountId = context.accountId
    this.code = context.code
    this.awsMessage = context.awsMessage
    this.hint = context.hint
  }

  /** Wrap an AWS SDK error (or anything thrown), keeping its code and message and adding a hint. */
  static fromAws(error: unknown, context: ErrorContext): ActionError {
    if (error instanceof ActionError) return error
    const code = awsErrorCode(error)
    return new ActionError({
      ...context,
      code: context.code ?? code,
      awsMessage: context.awsMessage ?? rawMessage(error),
      hint: context.hint ?? (code ? hintFor(code) : undefined),
      cause: error,
    })
  }

  /** The same error, attributed to a step. */
  withStep(step: string): ActionError {
    return new ActionError({ ...this.context(), step })
  }

  private context(): ErrorContext {
    return {
      summary: this.summary,
      step: this.step,
      resource: this.resource,
      side: this.side,
      accountId: this.accountId,
      code: this.code,
      awsMessage: this.awsMessage,
      hint: this.hint,
      cause: this.cause,
    }
  }
}

function formatMessage(c: ErrorContext): string {
  const where = [
    c.step ? `step ${c.step}` : undefined,
    c.resource ? `resource ${c.resource}` : undefined,
    c.side ? `${c.side} account${c.accountId ? ` ${c.accountId}` : ''}` : undefined,
  ].filter(Boolean)
  const aws = c.code || c.awsMessage ? ` AWS said: ${[c.code, c.awsMessage].filter(Boolean).join(': ')}.` : ''
  const location = where.length > 0 ? ` (${where.join(', ')})` : ''
  return `${c.summary}${location}.${aws}${c.hint ? ` ${c.hint}` : ''}`
}

/** A readable message for anything thrown, including non-Error values. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}

function rawMessage(error: unknown): string | undefined {
  return error instanceof Error ? error.message : error === undefined ? undefined : String(error)
}

/** The AWS error code: the SDK's exception name, or the wire `Code` for unmodelled errors. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { name?: unknown; Code?: unknown; code?: unknown }
  if (typeof e.Code === 'string') return e.Code
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name
  return typeof e.code === 'string' ? e.code : undefined
}

const NOT_FOUND = new Set([
  'DBClusterNotFoundFault',
  'DBInstanceNotFound',
  'DBInstanceNotFoundFault',
  'DBSnapshotNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
  'UnknownResourceException',
  'ResourceShareInvitationArnNotFoundException',
  'NotFoundException',
])

export function isNotFound(error: unknown): boolean {
  const code = awsErrorCode(error)
  return code !== undefined && NOT_FOUND.has(code)
}

export function isThrottling(error: unknown): boolean {
  const code = awsErrorCode(error)
  return code !== undefined && /^(Throttling|ThrottlingException|RequestLimitExceeded|TooManyRequestsException)$/.test(code)
}

export function isAccessDenied(error: unknown): boolean {
  const code = awsErrorCode(error)
  return code !== undefined && /^(AccessDenied|AccessDeniedException|UnauthorizedOperation)$/.test(code)
}

export function isExpiredCredentials(error: unknown): boolean {
  const code = awsErrorCode(error)
  return code !== undefined && /^(ExpiredToken|ExpiredTokenException|RequestExpired|InvalidClientTokenId)$/.test(code)
}

const HINTS: Readonly<Record<string, string>> = {
  KMSKeyNotAccessibleFault:
    'The destination account cannot use the KMS key: check kms-key-id is a key ARN in the destination account (or a key whose policy allows it), and that the source key policy grants the destination account kms:Decrypt, kms:DescribeKey, kms:CreateGrant and kms:ReEncrypt*.',
  DBClusterQuotaExceededFault:
    'The destination account has reached its DB cluster quota in this region: delete unused copies (operation: sweep) or ask AWS for a higher quota.',
  InstanceQuotaExceeded:
    'The destination account has reached its DB instance quota in this region: delete unused copies or ask AWS for a higher quota.',
  InsufficientDBClusterCapacityFault:
    'AWS has no capacity for this configuration right now: try another instance-class or retry later.',
  InsufficientDBInstanceCapacity:
    'AWS has no capacity for this instance class in these Availability Zones right now: try another instance-class or retry later.',
  SnapshotQuotaExceeded:
    'The account has reached its manual snapshot quota (100 by default): delete old manual snapshots or ask AWS for a higher quota.',
  SharedSnapshotQuotaExceeded: 'A snapshot can be shared with at most 20 accounts: remove accounts no longer needed.',
  DBClusterAlreadyExistsFault: 'A DB cluster with this name already exists: choose another target or use if-exists.',
  DBInstanceAlreadyExists: 'A DB instance with this name already exists: choose another target or use if-exists.',
  AccessDenied: 'The role lacks a permission for this call: add it to the role\'s policy (see the README\'s IAM section).',
  AccessDeniedException: 'The role lacks a permission for this call: add it to the role\'s policy (see the README\'s IAM section).',
  ExpiredToken: 'The credentials expired: re-run the job; if it repeats, report a bug (credentials should refresh themselves).',
  Throttling: 'AWS throttled the account\'s RDS API calls (shared with other tools): raise max-attempts or poll-interval-seconds, or run fewer jobs at once.',
}

/** Hints for AWS error codes, by wire code or SDK exception name (`…Fault` variants too). */
export function hintFor(code: string): string | undefined {
  return HINTS[code] ?? HINTS[code.replace(/Fault$/, '')] ?? HINTS[code.replace(/Exception$/, '')]
}
