/**
 * The KMS key policy: a JSON document as AWS stores it, evaluated one action at a time, as KMS
 * does. Only account principals (`arn:aws:iam::<acct>:root`, a bare account id, or `*`) count; role
 * and user principals are kept in the document but match no caller. Three condition keys are
 * evaluated (`kms:GrantIsForAWSResource`, `kms:ViaService`, `kms:CallerAccount`); a statement with
 * any other condition applies to nobody.
 */
import { AwsError } from '../../core/types.ts'

/**
 * What RDS needs of a caller to copy or restore with a key, or to read a resource it encrypts:
 * kms:CreateGrant, kms:Decrypt, kms:GenerateDataKey* and kms:ReEncrypt* (aws-reference A6, B5, H).
 */
export const RDS_USE_ACTIONS = [
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
] as const

/** The request a statement is matched against. */
export interface KmsRequest {
  /** The calling account. */
  readonly account: string
  /** `kms:<Operation>`, e.g. `kms:DescribeKey`. */
  readonly action: string
  /** The call comes from RDS on the caller's behalf (grants for AWS resources, kms:ViaService). */
  readonly viaRds: boolean
}

const ACCOUNT_ROOT = /^arn:aws:iam::(\d{12}):root$/
const ACCOUNT_ID = /^\d{12}$/

interface Statement {
  readonly Effect?: unknown
  readonly Principal?: unknown
  readonly Action?: unknown
  readonly Condition?: unknown
}

const rootArn = (account: string): string => `arn:aws:iam::${account}:root`

/** The policy KMS gives a customer-managed key, plus a use statement for `allowAccounts`. */
export function customerKeyPolicy(owner: string, allowAccounts: readonly string[]): string {
  const statements: Record<string, unknown>[] = [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: rootArn(owner) },
      Action: 'kms:*',
      Resource: '*',
    },
  ]
  if (allowAccounts.length > 0) {
    const principal = { AWS: allowAccounts.map(rootArn) }
    statements.push(
      {
        Sid: 'Allow use of the key',
        Effect: 'Allow',
        Principal: principal,
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        Resource: '*',
      },
      {
        Sid: 'Allow attachment of persistent resources',
        Effect: 'Allow',
        Principal: principal,
        Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    )
  }
  return JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: statements })
}

/** The policy of an AWS-managed `aws/rds` key: usable through RDS by its own account only. */
export function awsManagedRdsKeyPolicy(owner: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'auto-rds-2',
    Statement: [
      {
        Sid: 'Allow access through RDS for all principals in the account that are authorized to use RDS',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:ListGrants',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': owner, 'kms:ViaService': 'rds.amazonaws.com' },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: rootArn(owner) },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  })
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value]

/** Whether the statement's principal names the account (root ARN, bare id, or everyone). */
function namesAccount(principal: unknown, account: string): boolean {
  if (principal === '*') return true
  const aws =
    typeof principal === 'object' && principal !== null
      ? (principal as { AWS?: unknown }).AWS
      : undefined
  return asList(aws).some(
    (p) => p === '*' || p === account || (typeof p === 'string' && p === rootArn(account)),
  )
}

/** The accounts a statement names by root ARN or bare id. */
function principalAccounts(principal: unknown): string[] {
  const aws =
    typeof principal === 'object' && principal !== null
      ? (principal as { AWS?: unknown }).AWS
      : undefined
  return asList(aws).flatMap((p) => {
    if (typeof p !== 'string') return []
    if (ACCOUNT_ID.test(p)) return [p]
    const match = ACCOUNT_ROOT.exec(p)
    return match?.[1] !== undefined ? [match[1]] : []
  })
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${regex}$`, 'i').test(action)
}

const covers = (statement: Statement, action: string): boolean =>
  asList(statement.Action).some((a) => typeof a === 'string' && actionMatches(a, action))

/** The value of a condition key for this request, or undefined for a key the model lacks. */
function conditionValue(key: string, request: KmsRequest): string | undefined {
  switch (key.toLowerCase()) {
    case 'kms:grantisforawsresource':
      return String(request.viaRds)
    case 'kms:viaservice':
      return request.viaRds ? 'rds.amazonaws.com' : ''
    case 'kms:calleraccount':
      return request.account
    default:
      return undefined
  }
}

/** Bool / StringEquals / StringLike conditions over the three modelled keys; others never hold. */
function conditionsHold(condition: unknown, request: KmsRequest): boolean {
  if (condition === undefined) return true
  if (typeof condition !== 'object' || condition === null) return false
  return Object.entries(condition).every(([operator, entries]) => {
    if (typeof entries !== 'object' || entries === null) return false
    return Object.entries(entries).every(([key, expected]) => {
      const actual = conditionValue(key, request)
      if (actual === undefined) return false
      const values = asList(expected).map(String)
      if (operator === 'Bool' || operator === 'StringEquals') return values.includes(actual)
      if (operator === 'StringLike') return values.some((v) => actionMatches(v, actual))
      return false
    })
  })
}

const applies = (statement: Statement, request: KmsRequest): boolean =>
  namesAccount(statement.Principal, request.account) &&
  covers(statement, request.action) &&
  conditionsHold(statement.Condition, request)

function parseStatements(document: string): Statement[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(document)
  } catch {
    throw new AwsError('MalformedPolicyDocumentException', 'The key policy is not valid JSON.')
  }
  const statements = asList((parsed as { Statement?: unknown } | null)?.Statement)
  if (statements.length === 0 || statements.some((s) => typeof s !== 'object' || s === null)) {
    throw new AwsError(
      'MalformedPolicyDocumentException',
      'The key policy must contain at least one statement.',
    )
  }
  return statements as Statement[]
}

/**
 * Whether the key policy allows one request: an Allow statement applies and no Deny statement
 * does (an explicit Deny wins). Throws MalformedPolicyDocumentException for a bad document.
 */
export function policyAllows(document: string, request: KmsRequest): boolean {
  const statements = parseStatements(document).filter((s) => applies(s, request))
  return (
    statements.some((s) => s.Effect === 'Allow') && !statements.some((s) => s.Effect === 'Deny')
  )
}

/**
 * Whether an Allow statement that applies names every principal (`*`), as the AWS-managed
 * `aws/rds` policy does: then the key policy alone grants the caller, and no identity policy is
 * needed. A statement naming the account root delegates to the account's IAM policies instead.
 */
export function grantsPrincipalsDirectly(document: string, request: KmsRequest): boolean {
  return parseStatements(document).some((s) => {
    const aws =
      typeof s.Principal === 'object' && s.Principal !== null
        ? (s.Principal as { AWS?: unknown }).AWS
        : undefined
    const everyone = s.Principal === '*' || asList(aws).includes('*')
    return everyone && s.Effect === 'Allow' && applies(s, request)
  })
}

/** Whether the policy lets `account` have RDS use the key (every action of RDS_USE_ACTIONS). */
export function allowsRdsUse(document: string, account: string): boolean {
  return RDS_USE_ACTIONS.every((action) =>
    policyAllows(document, { account, action, viaRds: true }),
  )
}

/** The accounts other than the owner that the policy names, for the inventory. */
export function namedAccounts(document: string, owner: string): string[] {
  const accounts = parseStatements(document).flatMap((s) => principalAccounts(s.Principal))
  return [...new Set(accounts)].filter((a) => a !== owner).sort()
}

/** Whether the owner keeps `kms:PutKeyPolicy` (KMS's lockout safety check). */
export function ownerCanAdminister(document: string, owner: string): boolean {
  return policyAllows(document, { account: owner, action: 'kms:PutKeyPolicy', viaRds: false })
}
