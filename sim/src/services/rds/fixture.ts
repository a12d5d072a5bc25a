/**
 * The RDS part of a simulated world: what each account holds when the simulator starts.
 * Seeded resources start `available` (or `stopped`) and appear on the timeline as created at t0.
 */

export interface TagFixture {
  readonly Key: string
  readonly Value: string
}

/** A KMS key reference: an alias name of the owning account (no `alias/`), or `aws/rds`. */
export type KeyAliasFixture = string

export interface ClusterInstanceFixture {
  readonly identifier: string
  readonly instanceClass: string
  /** The first instance is the writer unless one says otherwise. */
  readonly writer?: boolean
  readonly promotionTier?: number
  readonly tags?: readonly TagFixture[]
  /** Default: the engine's `default.<family>`. */
  readonly parameterGroup?: string
}

export interface ClusterFixture {
  readonly identifier: string
  /** `aurora-postgresql`, `aurora-mysql` (Aurora) or `postgres`, `mysql` (Multi-AZ DB cluster). */
  readonly engine: string
  readonly engineVersion: string
  readonly masterUsername: string
  /** Alias of the encryption key; absent: unencrypted. */
  readonly kmsKeyAlias?: KeyAliasFixture
  readonly instances?: readonly ClusterInstanceFixture[]
  /** Multi-AZ DB clusters only. */
  readonly dbClusterInstanceClass?: string
  readonly storageType?: string
  readonly iops?: number
  readonly allocatedStorage?: number
  readonly subnetGroup?: string
  readonly securityGroupIds?: readonly string[]
  readonly clusterParameterGroup?: string
  readonly status?: 'available' | 'stopped'
  readonly deletionProtection?: boolean
  readonly serverlessV2?: { readonly MinCapacity: number; readonly MaxCapacity: number }
  readonly tags?: readonly TagFixture[]
  /** Created this many simulated seconds before the world starts (default 0: at the start). */
  readonly ageSeconds?: number
}

export interface InstanceFixture {
  readonly identifier: string
  readonly engine: string
  readonly engineVersion: string
  readonly instanceClass: string
  readonly masterUsername: string
  readonly allocatedStorage: number
  readonly storageType: string
  readonly iops?: number
  readonly kmsKeyAlias?: KeyAliasFixture
  readonly subnetGroup?: string
  readonly securityGroupIds?: readonly string[]
  readonly parameterGroup?: string
  readonly multiAZ?: boolean
  readonly deletionProtection?: boolean
  readonly tags?: readonly TagFixture[]
  /** Created this many simulated seconds before the world starts (default 0: at the start). */
  readonly ageSeconds?: number
}

export interface ClusterSnapshotFixture {
  readonly identifier: string
  /** The cluster it was taken of (must be in the same account fixture). */
  readonly cluster: string
  /** Accounts the snapshot is shared with (`restore` attribute). */
  readonly sharedWith?: readonly string[]
  readonly tags?: readonly TagFixture[]
  /** Created this many simulated seconds before the world starts (default 0: at the start). */
  readonly ageSeconds?: number
}

export interface SnapshotFixture {
  readonly identifier: string
  /** The standalone instance it was taken of (must be in the same account fixture). */
  readonly instance: string
  readonly sharedWith?: readonly string[]
  readonly tags?: readonly TagFixture[]
  /** Created this many simulated seconds before the world starts (default 0: at the start). */
  readonly ageSeconds?: number
}

export interface ParameterGroupFixture {
  readonly name: string
  readonly family: string
}

export interface RdsQuotas {
  /** DB clusters per account (default 40). */
  readonly clusters?: number
  /** DB instances per account (default 40). */
  readonly instances?: number
  /** Manual DB snapshots per account (`ManualSnapshots`, default 100). */
  readonly manualSnapshots?: number
  /** Manual DB cluster snapshots per account (`ManualClusterSnapshots`, default 100). */
  readonly manualClusterSnapshots?: number
}

export interface RdsAccountFixture {
  readonly account: string
  /** The account's DNS token in endpoints (`<id>.cluster-<token>.<region>.rds.amazonaws.com`). */
  readonly dnsToken?: string
  /** DB subnet groups; `default` always exists. */
  readonly subnetGroups?: readonly { readonly name: string; readonly vpcId?: string }[]
  /** VPC security groups that exist in the account (the default one always exists). */
  readonly securityGroupIds?: readonly string[]
  /** The default VPC security group (default `sg-default<account>`). */
  readonly defaultSecurityGroupId?: string
  readonly clusterParameterGroups?: readonly ParameterGroupFixture[]
  readonly parameterGroups?: readonly ParameterGroupFixture[]
  readonly clusters?: readonly ClusterFixture[]
  /** Standalone DB instances (not in a cluster). */
  readonly instances?: readonly InstanceFixture[]
  readonly clusterSnapshots?: readonly ClusterSnapshotFixture[]
  readonly snapshots?: readonly SnapshotFixture[]
  readonly quotas?: RdsQuotas
}

export interface RdsFixture {
  readonly accounts: readonly RdsAccountFixture[]
}
