/** The simulator's internal RDS records (what AWS keeps), before presentation as API shapes. */
import { randomBytes } from 'node:crypto'

export interface Tag {
  Key: string
  Value: string
}

export type ResourceType = 'db-cluster' | 'db-instance' | 'db-cluster-snapshot' | 'db-snapshot'

/** A status change scheduled at a simulated time; `deleted` removes the resource. */
export interface Transition {
  readonly at: number
  readonly status: string
  /** Runs when the transition is applied (rename, secret activation...). */
  readonly effect?: () => void
}

export interface Lifecycle {
  readonly type: ResourceType
  readonly account: string
  identifier: string
  status: string
  transitions: Transition[]
}

export interface MasterUserSecret {
  SecretArn: string
  SecretStatus: string
  KmsKeyId: string
}

export interface ClusterRecord extends Lifecycle {
  readonly type: 'db-cluster'
  /** DbClusterResourceId: `cluster-` and 26 characters, never reused, kept across renames. */
  readonly resourceId: string
  engine: string
  engineVersion: string
  masterUsername: string
  /** SHA-256 of the master password; never the password itself. */
  passwordFingerprint?: string
  masterUserSecret?: MasterUserSecret
  storageEncrypted: boolean
  kmsKeyArn?: string
  deletionProtection: boolean
  crossAccountClone: boolean
  cloneGroupId?: string
  /** How the cluster was made when it is a PITR restore/clone. */
  restoreType?: 'copy-on-write' | 'full-copy'
  /** ARN of the cluster it was cloned/restored from (PITR). */
  sourceClusterArn?: string
  serverlessV2?: { MinCapacity: number; MaxCapacity: number }
  dbClusterInstanceClass?: string
  storageType?: string
  iops?: number
  allocatedStorage?: number
  subnetGroup: string
  securityGroupIds: string[]
  clusterParameterGroup: string
  publiclyAccessible: boolean
  createdAt: number
  tags: Tag[]
  /** Modifications waiting for a maintenance window (ApplyImmediately=false). */
  pending: Record<string, unknown>
  /** Identifier this cluster is being renamed to (reserved while renaming). */
  renamingTo?: string
}

export interface InstanceRecord extends Lifecycle {
  readonly type: 'db-instance'
  /** DbiResourceId: `db-` and 26 characters, never reused, kept across renames. */
  readonly resourceId: string
  clusterIdentifier?: string
  instanceClass: string
  engine: string
  engineVersion: string
  masterUsername: string
  passwordFingerprint?: string
  masterUserSecret?: MasterUserSecret
  multiAZ: boolean
  allocatedStorage: number
  storageType: string
  iops?: number
  subnetGroup: string
  securityGroupIds: string[]
  parameterGroup: string
  storageEncrypted: boolean
  kmsKeyArn?: string
  publiclyAccessible: boolean
  deletionProtection: boolean
  promotionTier: number
  isWriter: boolean
  createdAt: number
  tags: Tag[]
  pending: Record<string, unknown>
  renamingTo?: string
}

interface SnapshotCommon extends Lifecycle {
  engine: string
  engineVersion: string
  masterUsername: string
  port: number
  allocatedStorage: number
  storageType?: string
  iops?: number
  encrypted: boolean
  kmsKeyArn?: string
  snapshotType: 'manual' | 'automated'
  createdAt: number
  /** Simulated window over which PercentProgress moves 0→100. */
  progressStart: number
  progressEnd: number
  /** `restore` attribute: accounts (or `all`) allowed to copy/restore. */
  sharedWith: string[]
  sourceSnapshotArn?: string
  /** Instance class of the snapshot's source (default for restores). */
  sourceInstanceClass?: string
  tags: Tag[]
}

export interface ClusterSnapshotRecord extends SnapshotCommon {
  readonly type: 'db-cluster-snapshot'
  /** DbClusterResourceId of the source DB cluster. */
  sourceResourceId?: string
  clusterIdentifier: string
  clusterCreateTime: number
}

export interface SnapshotRecord extends SnapshotCommon {
  readonly type: 'db-snapshot'
  /** DbiResourceId of the source DB instance. */
  sourceResourceId?: string
  instanceIdentifier: string
  instanceCreateTime: number
}

export type AnyRecord = ClusterRecord | InstanceRecord | ClusterSnapshotRecord | SnapshotRecord

/** A resource id as RDS makes them: a prefix and 26 upper-case letters and digits. */
export function newResourceId(prefix: 'cluster' | 'db'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  const bytes = randomBytes(26)
  return `${prefix}-${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}`
}

/** Aurora engines; `mysql`/`postgres` clusters are Multi-AZ DB clusters. */
export function isAurora(engine: string): boolean {
  return engine.startsWith('aurora')
}

export function enginePort(engine: string): number {
  return engine.includes('postgres') ? 5432 : 3306
}
