/**
 * One error type for every failure the action reports, and helpers that read AWS SDK errors.
 *
 * The SDK's `err.name` is the model's shape name (`DBSnapshotNotFoundFault`) while the wire code
 * (`DBSnapshotNotFound`) can differ and shows up in `Code`; every helper here accepts both.
 */

import type { AccountSide } from './engine/types.js'

export type { AccountSide }

/** Where and what failed; every field but the summary is optional. */
export interface ErrorContext {
  /** What failed, as one sentence, e.g. "Could not copy snapshot". */
  readonly summary: string
  /** The step that failed (as named in the log and the job summary). */
  readonly step?: string
  /** The resource acted on: identifier or ARN. */
  readonly resource?: string
  /** Which side of the copy, and the account id once GetCallerIdentity answered. */
  readonly side?: AccountSide
  readonly accountId?: string
  /** AWS error code (shape name or wire code). */
  readonly code?: string
  /** The message AWS returned, kept apart from the summary. */
  readonly awsMessage?: string
  readonly requestId?: string
  /** What to do about it. */
  readonly hint?: string
  /** The original error, kept for stack traces. */
  readonly cause?: unknown
}

/**
 * A failure described for a person: what failed, where (step, resource, account), the AWS code
 * and message, and what to do. Fields stay public so the job summary can show them.
 */
export class ActionError extends Error {
  readonly summary: string
  readonly step?: string
  readonly resource?: string
  readonly side?: AccountSide
  readonly accountId?: string
  readonly code?: string
  readonly awsMessage?: string
  readonly requestId?: string
  readonly hint?: string

  constructor(context: ErrorContext) {
    super(
      formatMessage(context),
      context.cause === undefined ? undefined : { cause: context.cause },
    )
    this.name = 'ActionError'
    this.summary = context.summary
    this.step = context.step
    this.resource = context.resource
    this.side = context.side
    this.accountId = context.accountId
    this.code = context.code
    this.awsMessage = context.awsMessage
    this.requestId = context.requestId
    this.hint = context.hint
  }

  /**
   * An ActionError for an SDK (or any) error: code, AWS message and request id come from the
   * error, the hint from the context or else the hints table. An ActionError passes through.
   */
  static fromAws(e: unknown, context: ErrorContext): ActionError {
    if (e instanceof ActionError) return e
    const code = context.code ?? awsErrorCode(e)
    const message = errorMessage(e)
    return new ActionError({
      ...context,
      code,
      awsMessage: context.awsMessage ?? (message === code ? undefined : message),
      requestId: context.requestId ?? requestIdOf(e),
      hint: context.hint ?? (code ? hintFor(code) : undefined),
      cause: e,
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
      requestId: this.requestId,
      hint: this.hint,
      cause: this.cause,
    }
  }
}

/** "the source account 111111111111", or "the destination account" before the id is known. */
export function describeAccount(side: AccountSide, accountId?: string): string {
  return `the ${side} account${accountId ? ` ${accountId}` : ''}`
}

function formatMessage(details: ErrorContext): string {
  const where = [
    details.step ? `step "${details.step}"` : undefined,
    details.resource ? `resource ${details.resource}` : undefined,
    details.side ? describeAccount(details.side, details.accountId) : undefined,
  ].filter((part): part is string => part !== undefined)
  let text = stripPeriod(details.summary)
  if (where.length > 0) text += ` (${where.join(', ')})`
  if (details.code || details.awsMessage) {
    const aws = [details.code, details.awsMessage].filter(Boolean).join(': ')
    text += `: ${stripPeriod(aws)}`
  }
  if (details.requestId) text += ` (request id ${details.requestId})`
  text += '.'
  if (details.hint) text += `\nWhat to do: ${details.hint}`
  return text
}

function stripPeriod(text: string): string {
  return text.trim().replace(/\.+$/, '')
}

/**
 * The message of anything thrown, including non-Error values (a thrown string or object must
 * still fail the step with something readable).
 */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name
  if (typeof e === 'string') return e
  if (e === undefined || e === null) return String(e)
  try {
    const json = JSON.stringify(e)
    if (json !== undefined) return json
  } catch {
    // Circular or otherwise unserialisable: fall through to String().
  }
  return String(e)
}

/** Names every plain JavaScript error has; they say nothing about an AWS cause. */
const GENERIC_ERROR_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
])

/**
 * The AWS error code of an SDK error (`err.name`, else the wire `Code`), the `code` of an
 * ActionError, or undefined for anything else.
 */
export function awsErrorCode(e: unknown): string | undefined {
  if (e instanceof ActionError) return e.code
  if (typeof e !== 'object' || e === null) return undefined
  const record = e as Record<string, unknown>
  const name = typeof record.name === 'string' ? record.name : undefined
  if (name && !GENERIC_ERROR_NAMES.has(name)) return name
  if (typeof record.Code === 'string' && record.Code) return record.Code
  if (typeof record.code === 'string' && record.code) return record.code
  return undefined
}

/** Every code the error answers to: its name, its wire `Code` and an ActionError's `code`. */
function errorCodes(e: unknown): string[] {
  if (typeof e !== 'object' || e === null) return []
  const record = e as Record<string, unknown>
  return [record.name, record.Code, record.code].filter(
    (value): value is string => typeof value === 'string' && value !== '',
  )
}

function hasCode(e: unknown, codes: ReadonlySet<string>): boolean {
  return errorCodes(e).some((code) => codes.has(code))
}

function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined
  const metadata = (e as { $metadata?: { httpStatusCode?: unknown } }).$metadata
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined
}

/** As the SDK's own classification (smithy service-error-classification THROTTLING_ERROR_CODES). */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
])

/** True when AWS asked us to slow down (throttling code, HTTP 429, or the SDK's own flag). */
export function isThrottling(e: unknown): boolean {
  if (hasCode(e, THROTTLING_CODES) || httpStatus(e) === 429) return true
  const retryable = (e as { $retryable?: { throttling?: unknown } } | null)?.$retryable
  return typeof e === 'object' && retryable?.throttling === true
}

/**
 * The lookups of the four resources the action describes by name. Configuration objects that are
 * missing (subnet group, parameter group) are left out on purpose: they are a setup mistake, not
 * "the target does not exist yet".
 */
const NOT_FOUND_CODES = new Set([
  'DBClusterNotFoundFault',
  'DBInstanceNotFound',
  'DBInstanceNotFoundFault',
  'DBSnapshotNotFound',
  'DBSnapshotNotFoundFault',
  'DBClusterSnapshotNotFoundFault',
])

/** True when a DB cluster, DB instance, DB snapshot or DB cluster snapshot does not exist. */
export function isNotFound(e: unknown): boolean {
  return hasCode(e, NOT_FOUND_CODES)
}

const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
])

/** True when IAM (or a resource/key policy) refused the call. */
export function isAccessDenied(e: unknown): boolean {
  return hasCode(e, ACCESS_DENIED_CODES)
}

const EXPIRED_CREDENTIALS_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
])

/** True when the credentials (or the OIDC token) were expired or unknown to AWS. */
export function isExpiredCredentials(e: unknown): boolean {
  return hasCode(e, EXPIRED_CREDENTIALS_CODES)
}

const QUOTA_HINT =
  'Delete what is no longer needed or ask AWS for a higher quota (Service Quotas console, Amazon RDS).'
const CAPACITY_HINT =
  'AWS has no capacity for this instance class in the Availability Zone right now: retry later, or choose another instance-class.'
const ACCESS_DENIED_HINT =
  "The role's IAM policy does not allow this call: add the action named in the message to the role's policy (and check any SCP, resource or key policy that applies)."
const EXPIRED_HINT =
  'The credentials expired. They are refreshed automatically; if this persists, re-run the job (GitHub OIDC tokens live about 5 minutes) and check role-duration-seconds.'

/** Known causes and what to do, by AWS error code (shape names and wire codes alike). */
export const HINTS: ReadonlyMap<string, string> = new Map([
  [
    'KMSKeyNotAccessibleFault',
    'The KMS key cannot be used by this account: an AWS-managed key (aws/rds) can never be shared across accounts. Encrypt the source with a customer-managed key whose key policy allows the destination account, and set kms-key-id to a customer-managed key in the destination account that the destination role may use (kms:CreateGrant, kms:DescribeKey, kms:Decrypt, kms:GenerateDataKey*).',
  ],
  ['DBClusterQuotaExceededFault', `The account reached its DB cluster quota. ${QUOTA_HINT}`],
  ['InstanceQuotaExceeded', `The account reached its DB instance quota. ${QUOTA_HINT}`],
  ['InstanceQuotaExceededFault', `The account reached its DB instance quota. ${QUOTA_HINT}`],
  ['InsufficientDBClusterCapacityFault', CAPACITY_HINT],
  ['InsufficientDBInstanceCapacity', CAPACITY_HINT],
  ['InsufficientDBInstanceCapacityFault', CAPACITY_HINT],
  [
    'SnapshotQuotaExceeded',
    `The account reached its manual snapshot quota (100 by default). ${QUOTA_HINT}`,
  ],
  [
    'SnapshotQuotaExceededFault',
    `The account reached its manual snapshot quota (100 by default). ${QUOTA_HINT}`,
  ],
  [
    'SharedSnapshotQuotaExceeded',
    'The snapshot is already shared with the maximum number of accounts (20): remove accounts it no longer needs to be shared with.',
  ],
  [
    'SharedSnapshotQuotaExceededFault',
    'The snapshot is already shared with the maximum number of accounts (20): remove accounts it no longer needs to be shared with.',
  ],
  [
    'DBClusterAlreadyExistsFault',
    'A DB cluster with this identifier already exists: choose another target, or set if-exists to reuse or replace (only copies managed by this action are replaced).',
  ],
  [
    'DBInstanceAlreadyExists',
    'A DB instance with this identifier already exists: choose another target, or set if-exists to reuse or replace (only copies managed by this action are replaced).',
  ],
  [
    'DBInstanceAlreadyExistsFault',
    'A DB instance with this identifier already exists: choose another target, or set if-exists to reuse or replace (only copies managed by this action are replaced).',
  ],
  ['AccessDenied', ACCESS_DENIED_HINT],
  ['AccessDeniedException', ACCESS_DENIED_HINT],
  ['ExpiredToken', EXPIRED_HINT],
  ['ExpiredTokenException', EXPIRED_HINT],
  [
    'Throttling',
    'AWS throttled the requests (RDS allows about 12 per second per account and Region, shared with every other tool): raise poll-interval-seconds or retry later; the SDK already retried.',
  ],
  [
    'ThrottlingException',
    'AWS throttled the requests: raise poll-interval-seconds or retry later; the SDK already retried.',
  ],
])

/** What to do about a known AWS error code, or undefined when the code has no known cause. */
export function hintFor(code: string): string | undefined {
  return HINTS.get(code)
}

function requestIdOf(e: unknown): string | undefined {
  if (e instanceof ActionError) return e.requestId
  const metadata = (e as { $metadata?: { requestId?: unknown } } | null)?.$metadata
  return typeof metadata?.requestId === 'string' ? metadata.requestId : undefined
}
