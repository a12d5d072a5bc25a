import { DescribeKeyCommand, ListAliasesCommand, type KMSClient } from '@aws-sdk/client-kms'
import { awsErrorCode, errorMessage, isAccessDenied } from '../../errors.js'

/** Who manages the source's KMS key, and how we learned it. */
export interface SourceKey {
  readonly arn: string
  /** `AWS` for `aws/rds` (cannot be shared across accounts), `CUSTOMER`, or `unknown`. */
  readonly manager: 'AWS' | 'CUSTOMER' | 'unknown'
  /** How the manager was determined, for the log. */
  readonly basis: string
}

const AWS_RDS_ALIAS = 'alias/aws/rds'

/**
 * Find out whether the source's key is AWS-managed (`aws/rds`), which AWS refuses to share and
 * so to clone across accounts. Reads `KeyManager` with DescribeKey; when the source role may not
 * describe the key, falls back to the key's aliases, then to the reference itself, and says so.
 */
export async function inspectSourceKey(kms: KMSClient, keyRef: string): Promise<SourceKey> {
  if (keyRef.endsWith(`:${AWS_RDS_ALIAS}`) || keyRef === AWS_RDS_ALIAS) {
    return { arn: keyRef, manager: 'AWS', basis: 'the key is referenced by its alias aws/rds' }
  }
  try {
    const out = await kms.send(new DescribeKeyCommand({ KeyId: keyRef }))
    const manager = out.KeyMetadata?.KeyManager
    return {
      arn: out.KeyMetadata?.Arn ?? keyRef,
      manager: manager === 'AWS' || manager === 'CUSTOMER' ? manager : 'unknown',
      basis: 'kms:DescribeKey',
    }
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    return inspectByAlias(
      kms,
      keyRef,
      `${awsErrorCode(error) ?? 'AccessDenied'}: ${errorMessage(error)}`,
    )
  }
}

async function inspectByAlias(kms: KMSClient, keyRef: string, denied: string): Promise<SourceKey> {
  try {
    const out = await kms.send(new ListAliasesCommand({ KeyId: keyId(keyRef) }))
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
function keyId(keyRef: string): string {
  const match = /:key\/(.+)$/.exec(keyRef)
  return match?.[1] ?? keyRef
}
