/**
 * The reduced KMS key policy: a JSON document as AWS stores it, and the set of accounts it lets use
 * the key. Only account principals (`arn:aws:iam::<acct>:root` or a bare account id) count; role and
 * user principals, conditions and service principals are kept in the document but not evaluated.
 */
import { AwsError } from '../../core/types.ts'

/** Actions that make an account a user of the key for RDS (decrypt data, create grants for RDS). */
const USE_ACTIONS = new Set(['*', 'kms:*', 'kms:decrypt', 'kms:creategrant'])
/** Actions that keep the owner able to change the policy later (the lockout safety check). */
const ADMIN_ACTIONS = new Set(['*', 'kms:*', 'kms:putkeypolicy'])

const ACCOUNT_ROOT = /^arn:aws:iam::(\d{12}):root$/
const ACCOUNT_ID = /^\d{12}$/

/** What a policy document means for the reduced model. */
export interface PolicyEffect {
  /** Accounts (other than the owner) allowed to use the key. */
  readonly allowAccounts: ReadonlySet<string>
  /** Whether the owner account keeps `kms:PutKeyPolicy` (else the key would lock its owner out). */
  readonly ownerCanAdminister: boolean
}

interface Statement {
  readonly Effect?: unknown
  readonly Principal?: unknown
  readonly Action?: unknown
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

const grants = (statement: Statement, actions: ReadonlySet<string>): boolean =>
  asList(statement.Action).some((a) => typeof a === 'string' && actions.has(a.toLowerCase()))

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
 * Reads a policy document into the reduced model. Deny statements win over Allow statements for
 * the accounts they name. Throws MalformedPolicyDocumentException for a document that is not a
 * policy.
 */
export function policyEffect(document: string, owner: string): PolicyEffect {
  const statements = parseStatements(document)
  const allowed = new Set<string>()
  const denied = new Set<string>()
  let ownerCanAdminister = false
  for (const statement of statements) {
    const accounts = principalAccounts(statement.Principal)
    if (statement.Effect === 'Deny') {
      if (grants(statement, USE_ACTIONS)) accounts.forEach((a) => denied.add(a))
      continue
    }
    if (statement.Effect !== 'Allow') continue
    if (grants(statement, USE_ACTIONS)) accounts.forEach((a) => allowed.add(a))
    if (accounts.includes(owner) && grants(statement, ADMIN_ACTIONS)) ownerCanAdminister = true
  }
  allowed.delete(owner)
  denied.forEach((a) => allowed.delete(a))
  return { allowAccounts: allowed, ownerCanAdminister }
}
