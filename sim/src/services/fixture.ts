/**
 * Resources a scenario starts with. KMS keys are owned by services/kms, the RDS part by
 * services/rds (which defines RdsFixture); fixtures/ composes them into worlds.
 */
import type { RdsFixture } from './rds/fixture.ts'

export interface KmsKeyFixture {
  readonly account: string
  /** Key id (uuid); generated when absent. */
  readonly keyId?: string
  /** Alias name without the `alias/` prefix. */
  readonly alias?: string
  /** Accounts the key policy lets use the key (the owner always can). */
  readonly allowAccounts?: readonly string[]
  /** The whole key policy document (overrides `allowAccounts`). */
  readonly policy?: string
  readonly enabled?: boolean
}

export interface ResourceFixture {
  readonly kmsKeys?: readonly KmsKeyFixture[]
  readonly rds?: RdsFixture
}
