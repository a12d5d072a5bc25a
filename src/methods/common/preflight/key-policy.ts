import type { KMSClient } from '@aws-sdk/client-kms'
import { readKeyPolicy } from '../../../aws/kms.js'

/**
 * What RDS needs of another account to copy or restore with a key: KMS evaluates each action on
 * its own, so DescribeKey succeeding proves none of these (aws-reference A6, B5, H).
 */
export const RDS_KEY_ACTIONS = [
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
] as const

/** What the source key's policy says about one account, read from the owner account. */
export type KeyPolicyReading =
  | { readonly read: true; readonly missing: readonly string[]; readonly conditional: string[] }
  | { readonly read: false; readonly reason: string }

interface Statement {
  readonly Effect?: unknown
  readonly Principal?: unknown
  readonly Action?: unknown
  readonly Condition?: unknown
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value]

/** Conditions that hold when RDS itself uses the key on the account's behalf. */
const RDS_CONDITIONS = new Set(['kms:grantisforawsresource', 'kms:viaservice', 'kms:calleraccount'])

/**
 * Read the key policy with the owner's session (kms:GetKeyPolicy) and tell which of the actions
 * RDS needs it does not allow `account` (by root ARN, bare account id or `*`). A statement with a
 * condition RDS itself satisfies counts, but is reported as conditional; a Deny naming the
 * account removes the action. Role principals of the account are not credited: RDS needs the
 * account itself allowed.
 */
export async function readKeyPolicyFor(
  kms: KMSClient,
  keyArn: string,
  account: string,
): Promise<KeyPolicyReading> {
  const { document, refused } = await readKeyPolicy(kms, keyArn)
  if (document === undefined) return { read: false, reason: refused }
  let statements: Statement[]
  try {
    statements = asList((JSON.parse(document) as { Statement?: unknown }).Statement) as Statement[]
  } catch {
    return { read: false, reason: 'the key policy is not JSON' }
  }
  const naming = statements.filter((s) => namesAccount(s.Principal, account))
  const missing: string[] = []
  const conditional: string[] = []
  for (const action of RDS_KEY_ACTIONS) {
    const allows = naming.filter((s) => s.Effect === 'Allow' && covers(s, action))
    const denied = naming.some((s) => s.Effect === 'Deny' && covers(s, action))
    const usable = allows.filter((s) => conditionKeys(s).every((k) => RDS_CONDITIONS.has(k)))
    if (denied || usable.length === 0) missing.push(action)
    else if (usable.every((s) => conditionKeys(s).length > 0)) conditional.push(action)
  }
  return { read: true, missing, conditional }
}

function namesAccount(principal: unknown, account: string): boolean {
  if (principal === '*') return true
  const aws =
    typeof principal === 'object' && principal !== null
      ? (principal as { AWS?: unknown }).AWS
      : undefined
  return asList(aws).some((p) => p === '*' || p === account || p === `arn:aws:iam::${account}:root`)
}

/** Whether the statement's actions cover `needed` (itself possibly a wildcard like ReEncrypt*). */
function covers(statement: Statement, needed: string): boolean {
  return asList(statement.Action).some((a) => {
    if (typeof a !== 'string') return false
    const pattern = new RegExp(
      `^${a
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    )
    return pattern.test(needed)
  })
}

function conditionKeys(statement: Statement): string[] {
  const condition = statement.Condition
  if (typeof condition !== 'object' || condition === null) return []
  return Object.values(condition).flatMap((entries) =>
    typeof entries === 'object' && entries !== null
      ? Object.keys(entries).map((k) => k.toLowerCase())
      : ['unknown'],
  )
}
