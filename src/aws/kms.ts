import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms'
import { awsErrorCode, errorMessage, isAccessDenied, isNotFound } from '../errors.js'

/**
 * The KMS look-ups of the action, all behind this module: DescribeKey (one call, one way of
 * reporting a refusal), who manages a key, and a key's policy document.
 */

/** DescribeKey's answer: the key's metadata, or why KMS would not give it. */
export type KeyLookup =
  | { readonly metadata: Partial<KeyMetadata>; readonly refusal?: undefined }
  | { readonly metadata?: undefined; readonly refusal: KeyRefusal }

export interface KeyRefusal {
  /** The caller may not describe the key (AccessDenied). */
  readonly denied: boolean
  /** KMS knows no such key (or alias) for the caller. */
  readonly missing: boolean
  readonly code?: string
  readonly message: string
  /** What the call threw, for callers that pass on what they cannot handle. */
  readonly error: unknown
}

/** DescribeKey, its refusal returned rather than thrown. */
export async function describeKey(kms: KMSClient, keyRef: string): Promise<KeyLookup> {
  try {
    const out = await kms.send(new DescribeKeyCommand({ KeyId: keyRef }))
    return { metadata: out.KeyMetadata ?? {} }
  } catch (error) {
    return {
      refusal: {
        denied: isAccessDenied(error),
        missing: isNotFound(error),
        code: awsErrorCode(error),
        message: errorMessage(error),
        error,
      },
    }
  }
}

/** The key ARN a key id, alias or ARN stands for; throws what KMS answered when it can't tell. */
export async function keyArnOf(kms: KMSClient, keyRef: string): Promise<string | undefined> {
  const lookup = await describeKey(kms, keyRef)
  if (lookup.refusal) throw lookup.refusal.error
  return lookup.metadata.Arn
}

/** Who manages a key, and how that was learned. */
export interface KeyManager {
  readonly arn: string
  /** `AWS` for `aws/rds` (never shared with another account), `CUSTOMER`, or `unknown`. */
  readonly manager: 'AWS' | 'CUSTOMER' | 'unknown'
  /** How the manager was determined, for the log. */
  readonly basis: string
}

const AWS_RDS_ALIAS = 'alias/aws/rds'

/**
 * Whether a key is AWS-managed (`aws/rds`). Reads `KeyManager` with DescribeKey; when the role
 * may not describe the key, falls back to the key's aliases (ListAliases), then to unknown, and
 * says which. Other refusals are thrown.
 */
export async function keyManager(kms: KMSClient, keyRef: string): Promise<KeyManager> {
  if (keyRef.endsWith(`:${AWS_RDS_ALIAS}`) || keyRef === AWS_RDS_ALIAS) {
    return { arn: keyRef, manager: 'AWS', basis: 'the key is referenced by its alias aws/rds' }
  }
  const lookup = await describeKey(kms, keyRef)
  if (lookup.refusal) {
    if (!lookup.refusal.denied) throw lookup.refusal.error
    const denied = `${lookup.refusal.code ?? 'AccessDenied'}: ${lookup.refusal.message}`
    return managerByAlias(kms, keyRef, denied)
  }
  const manager = lookup.metadata.KeyManager
  return {
    arn: lookup.metadata.Arn ?? keyRef,
    manager: manager === 'AWS' || manager === 'CUSTOMER' ? manager : 'unknown',
    basis: 'kms:DescribeKey',
  }
}

async function managerByAlias(kms: KMSClient, keyRef: string, denied: string): Promise<KeyManager> {
  try {
    const out = await kms.send(new ListAliasesCommand({ KeyId: keyIdOf(keyRef) }))
    const names = (out.Aliases ?? []).map((alias) => alias.AliasName ?? '')
    if (names.includes(AWS_RDS_ALIAS)) {
      return {
        arn: keyRef,
        manager: 'AWS',
        basis: 'kms:DescribeKey was denied; the key has the alias aws/rds',
      }
    }
    if (names.length > 0) {
      return {
        arn: keyRef,
        manager: 'CUSTOMER',
        basis: `kms:DescribeKey was denied; the key's aliases (${names.join(', ')}) are not aws/rds`,
      }
    }
  } catch (error) {
    if (!isAccessDenied(error)) throw error
  }
  return {
    arn: keyRef,
    manager: 'unknown',
    basis: `the source role may not describe the key (${denied})`,
  }
}

/** The key id from a key ARN (`arn:aws:kms:r:a:key/<id>`), or the reference unchanged. */
function keyIdOf(keyRef: string): string {
  const match = /:key\/(.+)$/.exec(keyRef)
  return match?.[1] ?? keyRef
}

/** A key's `default` policy document, or why it could not be read (AccessDenied only). */
export type KeyPolicyDocument =
  | { readonly document: string; readonly refused?: undefined }
  | { readonly document?: undefined; readonly refused: string }

export async function readKeyPolicy(kms: KMSClient, keyArn: string): Promise<KeyPolicyDocument> {
  try {
    const out = await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))
    if (!out?.Policy) return { refused: 'GetKeyPolicy returned no policy' }
    return { document: out.Policy }
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    return { refused: `${awsErrorCode(error) ?? 'AccessDenied'}: ${errorMessage(error)}` }
  }
}
