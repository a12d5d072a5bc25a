import { describe, expect, it } from '@jest/globals'
import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DBSnapshotNotFoundFault,
  DBSubnetGroupNotFoundFault,
  KMSKeyNotAccessibleFault,
  RDSServiceException,
} from '@aws-sdk/client-rds'
import {
  ActionError,
  awsErrorCode,
  describeAccount,
  errorMessage,
  hintFor,
  isAccessDenied,
  isExpiredCredentials,
  isNotFound,
  isThrottling,
} from '../src/errors.js'
import { AWS_ERROR_HINTS, isAlreadyDeleting } from '../src/aws/error-codes.js'

const metadata = { httpStatusCode: 400, requestId: 'req-1' }

/** An unmodelled AWS error as the SDK builds it: the wire code becomes the name. */
function serviceError(name: string, message: string, httpStatusCode = 400): RDSServiceException {
  return new RDSServiceException({
    name,
    $fault: 'client',
    message,
    $metadata: { httpStatusCode, requestId: 'req-2' },
  })
}

describe('ActionError', () => {
  it('reads as one block: what, where, AWS code and message, what to do', () => {
    const error = new ActionError({
      summary: 'Could not copy snapshot',
      step: 'copy snapshot',
      resource: 'rds-refresh-42-2',
      side: 'destination',
      accountId: '222222222222',
      code: 'KMSKeyNotAccessibleFault',
      awsMessage: 'The specified KMS key is not accessible.',
      requestId: 'req-9',
      hint: 'Share a customer-managed key.',
    })
    expect(error.message).toBe(
      'Could not copy snapshot (step "copy snapshot", resource rds-refresh-42-2, the destination ' +
        'account 222222222222): KMSKeyNotAccessibleFault: The specified KMS key is not accessible ' +
        '(request id req-9).\nWhat to do: Share a customer-managed key.',
    )
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ActionError')
    expect(error).toMatchObject({
      summary: 'Could not copy snapshot',
      step: 'copy snapshot',
      resource: 'rds-refresh-42-2',
      side: 'destination',
      accountId: '222222222222',
      code: 'KMSKeyNotAccessibleFault',
      hint: 'Share a customer-managed key.',
    })
  })

  it('is just the summary when nothing else is known', () => {
    expect(new ActionError({ summary: 'Nothing to do.' }).message).toBe('Nothing to do.')
    expect(new ActionError({ summary: 'Source missing', side: 'source' }).message).toBe(
      'Source missing (the source account).',
    )
  })

  it('keeps the cause', () => {
    const cause = new Error('root')
    expect(new ActionError({ summary: 'Failed', cause }).cause).toBe(cause)
  })

  it('describes accounts', () => {
    expect(describeAccount('source', '111111111111')).toBe('the source account 111111111111')
    expect(describeAccount('destination')).toBe('the destination account')
  })
})

describe('ActionError.fromAws', () => {
  it('takes code, message and request id from the SDK error, and the hint from the table', () => {
    const sdkError = new KMSKeyNotAccessibleFault({
      message: 'The specified KMS key is not accessible.',
      $metadata: metadata,
    })
    const error = ActionError.fromAws(sdkError, {
      summary: 'Could not restore cluster',
      resource: 'staging-db',
      side: 'destination',
      accountId: '222222222222',
    })
    expect(error).toMatchObject({
      code: 'KMSKeyNotAccessibleFault',
      awsMessage: 'The specified KMS key is not accessible.',
      requestId: 'req-1',
      hint: hintFor('KMSKeyNotAccessibleFault'),
    })
    expect(error.cause).toBe(sdkError)
    expect(error.message).toContain(
      'Could not restore cluster (resource staging-db, the destination account 222222222222): ' +
        'KMSKeyNotAccessibleFault: The specified KMS key is not accessible (request id req-1).',
    )
    expect(error.message).toContain('What to do: The KMS key cannot be used by this account')
  })

  it('prefers a hint from the context, and drops a message that only repeats the code', () => {
    const error = ActionError.fromAws(serviceError('AccessDenied', ''), {
      summary: 'Could not share',
      hint: 'Custom hint.',
    })
    expect(error.awsMessage).toBeUndefined()
    expect(error.message).toBe(
      'Could not share: AccessDenied (request id req-2).\nWhat to do: Custom hint.',
    )
  })

  it('handles non-AWS throws', () => {
    const error = ActionError.fromAws('boom', { summary: 'Step failed' })
    expect(error.code).toBeUndefined()
    expect(error.message).toBe('Step failed: boom.')
  })
})

describe('errorMessage', () => {
  it('is safe for anything thrown', () => {
    expect(errorMessage(new Error('plain'))).toBe('plain')
    expect(errorMessage(serviceError('Throttling', 'Rate exceeded'))).toBe('Rate exceeded')
    expect(errorMessage('a string')).toBe('a string')
    expect(errorMessage({ reason: 'object' })).toBe('{"reason":"object"}')
    expect(errorMessage(undefined)).toBe('undefined')
    expect(errorMessage(null)).toBe('null')
    expect(errorMessage(42)).toBe('42')
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(errorMessage(circular)).toBe('[object Object]')
    const nameOnly = new Error('')
    nameOnly.name = 'TimeoutError'
    expect(errorMessage(nameOnly)).toBe('TimeoutError')
  })
})

describe('awsErrorCode', () => {
  it('reads the shape name, the wire Code, or an ActionError code', () => {
    expect(awsErrorCode(new DBClusterNotFoundFault({ message: 'x', $metadata: metadata }))).toBe(
      'DBClusterNotFoundFault',
    )
    expect(awsErrorCode(serviceError('Throttling', 'Rate exceeded'))).toBe('Throttling')
    expect(awsErrorCode(Object.assign(new Error('x'), { Code: 'DBSnapshotNotFound' }))).toBe(
      'DBSnapshotNotFound',
    )
    expect(awsErrorCode(new ActionError({ summary: 'x', code: 'AccessDenied' }))).toBe(
      'AccessDenied',
    )
    expect(awsErrorCode(new ActionError({ summary: 'x' }))).toBeUndefined()
    expect(awsErrorCode(new Error('plain'))).toBeUndefined()
    expect(awsErrorCode(new TypeError('plain'))).toBeUndefined()
    expect(awsErrorCode('DBClusterNotFoundFault')).toBeUndefined()
    expect(awsErrorCode(undefined)).toBeUndefined()
  })
})

describe('classifiers', () => {
  it('isNotFound: the four resources, by shape name and wire code', () => {
    expect(isNotFound(new DBClusterNotFoundFault({ message: 'x', $metadata: metadata }))).toBe(true)
    expect(isNotFound(new DBInstanceNotFoundFault({ message: 'x', $metadata: metadata }))).toBe(
      true,
    )
    expect(isNotFound(new DBSnapshotNotFoundFault({ message: 'x', $metadata: metadata }))).toBe(
      true,
    )
    for (const code of [
      'DBInstanceNotFound',
      'DBSnapshotNotFound',
      'DBClusterSnapshotNotFoundFault',
      'DBClusterNotFoundFault',
    ]) {
      expect(isNotFound(serviceError(code, 'missing', 404))).toBe(true)
      expect(isNotFound({ Code: code })).toBe(true)
    }
    // A missing subnet group is a configuration mistake, not an absent target.
    expect(isNotFound(new DBSubnetGroupNotFoundFault({ message: 'x', $metadata: metadata }))).toBe(
      false,
    )
    expect(isNotFound(new Error('DBClusterNotFoundFault'))).toBe(false)
    expect(isNotFound(undefined)).toBe(false)
  })

  it('isThrottling: codes, HTTP 429 and the SDK flag', () => {
    expect(isThrottling(serviceError('Throttling', 'Rate exceeded'))).toBe(true)
    expect(isThrottling(serviceError('ThrottlingException', 'Rate exceeded'))).toBe(true)
    expect(isThrottling(serviceError('TooManyRequestsException', 'slow down'))).toBe(true)
    expect(isThrottling(serviceError('SomethingElse', 'x', 429))).toBe(true)
    expect(isThrottling({ name: 'X', $retryable: { throttling: true } })).toBe(true)
    expect(isThrottling(serviceError('InvalidDBClusterStateFault', 'busy'))).toBe(false)
    expect(isThrottling('Throttling')).toBe(false)
  })

  it('isAccessDenied', () => {
    expect(isAccessDenied(serviceError('AccessDenied', 'no', 403))).toBe(true)
    expect(isAccessDenied({ name: 'AccessDeniedException' })).toBe(true)
    expect(isAccessDenied(serviceError('Throttling', 'x'))).toBe(false)
  })

  it('isExpiredCredentials', () => {
    for (const code of [
      'ExpiredToken',
      'ExpiredTokenException',
      'RequestExpired',
      'InvalidClientTokenId',
    ]) {
      expect(isExpiredCredentials(serviceError(code, 'expired', 403))).toBe(true)
    }
    expect(isExpiredCredentials(serviceError('AccessDenied', 'no', 403))).toBe(false)
  })
})

describe('hintFor', () => {
  it.each([
    ['KMSKeyNotAccessibleFault', 'AWS-managed key (aws/rds) can never be shared'],
    ['DBClusterQuotaExceededFault', 'DB cluster quota'],
    ['InstanceQuotaExceeded', 'DB instance quota'],
    ['InstanceQuotaExceededFault', 'DB instance quota'],
    ['InsufficientDBClusterCapacityFault', 'no capacity'],
    ['InsufficientDBInstanceCapacity', 'no capacity'],
    ['InsufficientDBInstanceCapacityFault', 'no capacity'],
    ['SnapshotQuotaExceeded', 'manual snapshot quota'],
    ['SnapshotQuotaExceededFault', 'manual snapshot quota'],
    ['SharedSnapshotQuotaExceeded', 'maximum number of accounts'],
    ['SharedSnapshotQuotaExceededFault', 'maximum number of accounts'],
    ['DBClusterAlreadyExistsFault', 'if-exists to reuse or replace'],
    ['DBInstanceAlreadyExists', 'if-exists to reuse or replace'],
    ['DBInstanceAlreadyExistsFault', 'if-exists to reuse or replace'],
    ['AccessDenied', "role's IAM policy"],
    ['AccessDeniedException', "role's IAM policy"],
    ['ExpiredToken', 'credentials expired'],
    ['ExpiredTokenException', 'credentials expired'],
    ['Throttling', 'poll-interval-seconds'],
  ])('%s', (code, expected) => {
    expect(hintFor(code)).toContain(expected)
  })

  it('knows nothing about other codes', () => {
    expect(hintFor('InvalidDBClusterStateFault')).toBeUndefined()
    expect(hintFor('')).toBeUndefined()
    expect(hintFor('constructor')).toBeUndefined()
  })

  it('is the plain code → hint table the troubleshooting section is generated from', () => {
    const entries = Object.entries(AWS_ERROR_HINTS)
    expect(entries.length).toBeGreaterThan(10)
    for (const [code, hint] of entries) {
      expect(hintFor(code)).toBe(hint)
      expect(hint).toMatch(/\.$/)
    }
  })
})

describe('isAlreadyDeleting', () => {
  it.each([
    'DB cluster pr-1 is already being deleted.',
    'Instance pr-1-1 is in deleting state',
    'Cannot delete: status deleting',
  ])('%s', (message) => {
    expect(isAlreadyDeleting(new Error(message))).toBe(true)
  })

  it('is false for other errors', () => {
    expect(isAlreadyDeleting(new Error('DB cluster pr-1 is not available'))).toBe(false)
    expect(isAlreadyDeleting('already being deleted')).toBe(false)
  })
})
