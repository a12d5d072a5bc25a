/**
 * AWS error codes the action recognises, and what to do about each known one. The SDK's
 * `err.name` is the model's shape name (`DBSnapshotNotFoundFault`) while the wire code
 * (`DBSnapshotNotFound`) can differ and shows up in `Code`; every predicate here accepts both.
 */

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

/**
 * Known causes and what to do, by AWS error code (shape names and wire codes alike). Plain data:
 * the README's troubleshooting section is generated from it.
 */
export const AWS_ERROR_HINTS: Readonly<Record<string, string>> = Object.fromEntries([
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
    'AWS throttled the requests (RDS allows about 12 per second per account and Region, shared with every other tool): raise poll-interval-seconds or retry later; the call was already sent 10 times over about a minute.',
  ],
  [
    'ThrottlingException',
    'AWS throttled the requests: raise poll-interval-seconds or retry later; the call was already sent 10 times over about a minute.',
  ],
])

/** What to do about a known AWS error code, or undefined when the code has no known cause. */
export function hintFor(code: string): string | undefined {
  return Object.hasOwn(AWS_ERROR_HINTS, code) ? AWS_ERROR_HINTS[code] : undefined
}

/** AWS's answer to deleting what is already being deleted (no code of its own: read the message). */
export function isAlreadyDeleting(error: unknown): boolean {
  const message = error instanceof Error ? error.message : ''
  return /already being deleted|is being deleted|in deleting state|(status|state) deleting/i.test(
    message,
  )
}
