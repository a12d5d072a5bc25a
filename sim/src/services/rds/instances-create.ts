/** Building DB instance records (CreateDBInstance, Multi-AZ cluster members, restores). */
import { AwsError } from '../../core/types.ts'
import type { RdsStore } from './store.ts'
import { newResourceId } from './records.ts'
import type { InstanceRecord, Tag } from './records.ts'

export interface NewInstance {
  readonly account: string
  readonly identifier: string
  readonly status: string
  readonly clusterIdentifier?: string
  readonly instanceClass: string
  readonly engine: string
  readonly engineVersion: string
  readonly masterUsername: string
  readonly multiAZ?: boolean
  readonly allocatedStorage?: number
  readonly storageType?: string
  readonly iops?: number
  readonly subnetGroup: string
  readonly securityGroupIds: string[]
  readonly parameterGroup: string
  readonly storageEncrypted: boolean
  readonly kmsKeyArn?: string
  readonly publiclyAccessible?: boolean
  readonly deletionProtection?: boolean
  readonly promotionTier?: number
  readonly isWriter?: boolean
  readonly tags?: Tag[]
  readonly createdAt?: number
}

export function instanceRecord(store: RdsStore, spec: NewInstance): InstanceRecord {
  return {
    type: 'db-instance',
    resourceId: newResourceId('db'),
    account: spec.account,
    identifier: spec.identifier,
    status: spec.status,
    transitions: [],
    clusterIdentifier: spec.clusterIdentifier,
    instanceClass: spec.instanceClass,
    engine: spec.engine,
    engineVersion: spec.engineVersion,
    masterUsername: spec.masterUsername,
    multiAZ: spec.multiAZ ?? false,
    allocatedStorage: spec.allocatedStorage ?? 1,
    storageType: spec.storageType ?? 'aurora',
    iops: spec.iops,
    subnetGroup: spec.subnetGroup,
    securityGroupIds: spec.securityGroupIds,
    parameterGroup: spec.parameterGroup,
    storageEncrypted: spec.storageEncrypted,
    kmsKeyArn: spec.kmsKeyArn,
    publiclyAccessible: spec.publiclyAccessible ?? false,
    deletionProtection: spec.deletionProtection ?? false,
    promotionTier: spec.promotionTier ?? 1,
    isWriter: spec.isWriter ?? false,
    createdAt: spec.createdAt ?? store.now(),
    tags: spec.tags ?? [],
    pending: {},
  }
}

/** Throws InstanceQuotaExceeded when the account has no room for `count` more instances. */
export function checkInstanceQuota(store: RdsStore, account: string, count = 1): void {
  const acct = store.account(account)
  if (acct.instances.size + count > acct.quotas.instances) {
    throw new AwsError(
      'InstanceQuotaExceeded',
      `Cannot create more than ${acct.quotas.instances} DB instances.`,
      400,
    )
  }
}
