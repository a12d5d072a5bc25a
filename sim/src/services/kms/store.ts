/**
 * KMS state of one simulated region: keys, aliases and grants of every account, and how a key
 * reference (id, key ARN, alias name, alias ARN) resolves to a key.
 */
import { randomUUID } from 'node:crypto'
import { AwsError, type KeyInfo } from '../../core/types.ts'
import { allowsRdsUse, awsManagedRdsKeyPolicy, customerKeyPolicy, policyAllows } from './policy.ts'

/** The alias of each account's AWS-managed RDS key. */
export const AWS_RDS_ALIAS = 'alias/aws/rds'

export interface KmsKey {
  readonly keyId: string
  readonly arn: string
  readonly account: string
  readonly manager: 'AWS' | 'CUSTOMER'
  enabled: boolean
  readonly description: string
  readonly keySpec: string
  readonly keyUsage: string
  readonly creationDate: number
  policy: string
  readonly tags: readonly { TagKey: string; TagValue: string }[]
}

export interface KmsAlias {
  readonly name: string // alias/x
  readonly arn: string
  readonly account: string
  targetKeyId: string
  readonly creationDate: number
  lastUpdatedDate: number
}

export interface KmsGrant {
  readonly grantId: string
  readonly keyArn: string
  readonly issuingAccount: string
  readonly granteePrincipal?: string
  readonly granteeServicePrincipal?: string
  readonly retiringPrincipal?: string
  readonly operations: readonly string[]
  readonly name?: string
  readonly constraints?: unknown
  readonly creationDate: number
}

export interface NewKey {
  readonly account: string
  readonly keyId?: string
  readonly manager?: 'AWS' | 'CUSTOMER'
  readonly description?: string
  readonly keySpec?: string
  readonly keyUsage?: string
  readonly policy?: string
  readonly allowAccounts?: readonly string[]
  readonly enabled?: boolean
  readonly tags?: readonly { TagKey: string; TagValue: string }[]
}

const KEY_ARN = /^arn:aws[\w-]*:kms:([\w-]+):(\d{12}):key\/(.+)$/
const ALIAS_ARN = /^arn:aws[\w-]*:kms:([\w-]+):(\d{12}):(alias\/.+)$/

/** A key reference after parsing, before lookup. */
export type KeyRef =
  | {
      readonly kind: 'key'
      readonly account: string
      readonly keyId: string
      readonly byArn: boolean
    }
  | {
      readonly kind: 'alias'
      readonly account: string
      readonly name: string
      readonly byArn: boolean
    }

export class KmsStore {
  readonly region: string
  readonly now: () => number
  readonly keys = new Map<string, KmsKey>() // by key ARN
  readonly aliases = new Map<string, KmsAlias>() // by alias ARN
  readonly grants = new Map<string, KmsGrant>() // by grant id

  constructor(region: string, now: () => number) {
    this.region = region
    this.now = now
  }

  keyArn(account: string, keyId: string): string {
    return `arn:aws:kms:${this.region}:${account}:key/${keyId}`
  }

  aliasArn(account: string, name: string): string {
    return `arn:aws:kms:${this.region}:${account}:${name}`
  }

  createKey(spec: NewKey): KmsKey {
    const keyId = spec.keyId ?? randomUUID()
    const manager = spec.manager ?? 'CUSTOMER'
    const policy =
      spec.policy ??
      (manager === 'AWS'
        ? awsManagedRdsKeyPolicy(spec.account)
        : customerKeyPolicy(spec.account, spec.allowAccounts ?? []))
    const key: KmsKey = {
      keyId,
      arn: this.keyArn(spec.account, keyId),
      account: spec.account,
      manager,
      enabled: spec.enabled ?? true,
      description: spec.description ?? '',
      keySpec: spec.keySpec ?? 'SYMMETRIC_DEFAULT',
      keyUsage: spec.keyUsage ?? 'ENCRYPT_DECRYPT',
      creationDate: this.now(),
      policy,
      tags: spec.tags ?? [],
    }
    if (this.keys.has(key.arn)) {
      throw new AwsError('AlreadyExistsException', `Key '${key.arn}' already exists`)
    }
    this.keys.set(key.arn, key)
    return key
  }

  createAlias(account: string, name: string, targetKeyId: string): KmsAlias {
    const arn = this.aliasArn(account, name)
    if (this.aliases.has(arn)) {
      throw new AwsError('AlreadyExistsException', `An alias with the name ${arn} already exists`)
    }
    const now = this.now()
    const alias = { name, arn, account, targetKeyId, creationDate: now, lastUpdatedDate: now }
    this.aliases.set(arn, alias)
    return alias
  }

  /** The account's `aws/rds` key, created (with its alias) the first time anyone asks. */
  awsManagedRdsKey(account: string): KmsKey {
    const alias = this.aliases.get(this.aliasArn(account, AWS_RDS_ALIAS))
    const existing = alias && this.keys.get(this.keyArn(account, alias.targetKeyId))
    if (existing) return existing
    const key = this.createKey({
      account,
      manager: 'AWS',
      description: 'Default key that protects my RDS database volumes when no other key is defined',
    })
    this.createAlias(account, AWS_RDS_ALIAS, key.keyId)
    return key
  }

  /** Parses a reference; throws InvalidArnException for an ARN that is neither a key nor an alias. */
  parseRef(callerAccount: string, keyRef: string): KeyRef {
    const keyArn = KEY_ARN.exec(keyRef)
    if (keyArn) return { kind: 'key', account: keyArn[2]!, keyId: keyArn[3]!, byArn: true }
    const aliasArn = ALIAS_ARN.exec(keyRef)
    if (aliasArn) return { kind: 'alias', account: aliasArn[2]!, name: aliasArn[3]!, byArn: true }
    if (keyRef.startsWith('arn:')) {
      throw new AwsError('InvalidArnException', `ARN ${keyRef} is not a valid KMS key or alias ARN`)
    }
    if (keyRef.startsWith('alias/')) {
      return { kind: 'alias', account: callerAccount, name: keyRef, byArn: false }
    }
    return { kind: 'key', account: callerAccount, keyId: keyRef, byArn: false }
  }

  /**
   * Finds the key a reference names, or undefined. `alias/aws/rds` of the caller's own account is
   * created on first use, as KMS does for predefined AWS aliases.
   */
  find(callerAccount: string, ref: KeyRef): KmsKey | undefined {
    if (ref.kind === 'key') return this.keys.get(this.keyArn(ref.account, ref.keyId))
    if (ref.name === AWS_RDS_ALIAS && ref.account === callerAccount) {
      return this.awsManagedRdsKey(callerAccount)
    }
    const alias = this.aliases.get(this.aliasArn(ref.account, ref.name))
    return alias && this.keys.get(this.keyArn(ref.account, alias.targetKeyId))
  }

  /** Like find, but throws NotFoundException with KMS's messages. */
  require(callerAccount: string, keyRef: string): KmsKey {
    const ref = this.parseRef(callerAccount, keyRef)
    const key = this.find(callerAccount, ref)
    if (key) return key
    if (ref.kind === 'alias') {
      throw new AwsError(
        'NotFoundException',
        `Alias '${this.aliasArn(ref.account, ref.name)}' is not found.`,
      )
    }
    if (
      !ref.byArn &&
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(ref.keyId)
    ) {
      throw new AwsError('NotFoundException', `Invalid keyId '${ref.keyId}'`)
    }
    throw new AwsError(
      'NotFoundException',
      `Key '${this.keyArn(ref.account, ref.keyId)}' does not exist`,
    )
  }

  /**
   * Whether `account` may have RDS use the key (copy, restore, read what it encrypts): the owner,
   * or another account the policy allows every action RDS needs. AWS-managed keys serve their own
   * account only.
   */
  mayUseThroughRds(account: string, key: KmsKey): boolean {
    if (key.account === account) return true
    return key.manager === 'CUSTOMER' && allowsRdsUse(key.policy, account)
  }

  /** Whether `account` may call `action` (`kms:<Op>`) on the key directly (not through RDS). */
  mayCall(account: string, key: KmsKey, action: string): boolean {
    if (key.account === account) return true
    return policyAllows(key.policy, { account, action, viaRds: false })
  }

  aliasesOf(keyArn: string): KmsAlias[] {
    const key = this.keys.get(keyArn)
    return [...this.aliases.values()].filter(
      (a) => key !== undefined && a.account === key.account && a.targetKeyId === key.keyId,
    )
  }

  info(key: KmsKey): KeyInfo {
    return {
      arn: key.arn,
      keyId: key.keyId,
      account: key.account,
      manager: key.manager,
      enabled: key.enabled,
    }
  }
}
