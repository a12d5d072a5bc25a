/** Records → API output shapes (member names as in the RDS model). Timestamps are Dates. */
import type { RdsStore } from './store.ts'
import { resourceIdOf } from './renames.ts'
import { enginePort, isAurora } from './records.ts'
import type {
  ClusterRecord,
  ClusterSnapshotRecord,
  InstanceRecord,
  SnapshotRecord,
} from './records.ts'

/** Route 53 zone of RDS endpoints in us-east-1 (other Regions reuse it: cosmetic). */
const HOSTED_ZONE_ID = 'Z2R2ITUGPM61AM'

const IN_PROGRESS = new Set(['creating', 'copying'])

function defined(shape: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(shape).filter(([, v]) => v !== undefined))
}

export function clusterShape(store: RdsStore, c: ClusterRecord): Record<string, unknown> {
  const acct = store.account(c.account)
  const host = (kind: string): string =>
    `${c.identifier}.${kind}-${acct.dnsToken}.${store.region}.rds.amazonaws.com`
  const members = [...acct.instances.values()].filter((i) => i.clusterIdentifier === c.identifier)
  const creating = c.status === 'creating'
  return defined({
    DBClusterIdentifier: c.identifier,
    DBClusterArn: store.arnOf(c),
    DbClusterResourceId: resourceIdOf(c),
    Status: c.status,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    EngineMode: 'provisioned',
    Endpoint: host('cluster'),
    ReaderEndpoint: host('cluster-ro'),
    Port: enginePort(c.engine),
    HostedZoneId: HOSTED_ZONE_ID,
    MasterUsername: c.masterUsername,
    MasterUserSecret: c.masterUserSecret ? { ...c.masterUserSecret } : undefined,
    DBClusterMembers: members.map((i) => ({
      DBInstanceIdentifier: i.identifier,
      IsClusterWriter: i.isWriter,
      DBClusterParameterGroupStatus: 'in-sync',
      PromotionTier: i.promotionTier,
    })),
    StorageEncrypted: c.storageEncrypted,
    KmsKeyId: c.kmsKeyArn,
    DeletionProtection: c.deletionProtection,
    CrossAccountClone: c.crossAccountClone,
    CloneGroupId: c.cloneGroupId,
    ServerlessV2ScalingConfiguration: c.serverlessV2 ? { ...c.serverlessV2 } : undefined,
    DBClusterInstanceClass: c.dbClusterInstanceClass,
    StorageType: c.storageType,
    Iops: c.iops,
    AllocatedStorage: c.allocatedStorage ?? (isAurora(c.engine) ? 1 : undefined),
    MultiAZ: isAurora(c.engine) ? members.length > 1 : true,
    DBSubnetGroup: c.subnetGroup,
    VpcSecurityGroups: c.securityGroupIds.map((id) => ({
      VpcSecurityGroupId: id,
      Status: 'active',
    })),
    DBClusterParameterGroup: c.clusterParameterGroup,
    PubliclyAccessible: c.publiclyAccessible,
    LatestRestorableTime: creating ? undefined : new Date(store.now()),
    ClusterCreateTime: new Date(c.createdAt),
    PendingModifiedValues: Object.keys(c.pending).length ? { ...c.pending } : undefined,
    TagList: c.tags.map((t) => ({ ...t })),
  })
}

export function instanceShape(store: RdsStore, i: InstanceRecord): Record<string, unknown> {
  const acct = store.account(i.account)
  const subnet = acct.subnetGroups.get(i.subnetGroup)
  return defined({
    DBInstanceIdentifier: i.identifier,
    DBInstanceArn: store.arnOf(i),
    DbiResourceId: resourceIdOf(i),
    DBInstanceClass: i.instanceClass,
    Engine: i.engine,
    EngineVersion: i.engineVersion,
    DBInstanceStatus: i.status,
    Endpoint:
      i.status === 'creating'
        ? undefined
        : {
            Address: `${i.identifier}.${acct.dnsToken}.${store.region}.rds.amazonaws.com`,
            Port: enginePort(i.engine),
            HostedZoneId: HOSTED_ZONE_ID,
          },
    DBClusterIdentifier: i.clusterIdentifier,
    MultiAZ: i.multiAZ,
    AllocatedStorage: i.allocatedStorage,
    StorageType: i.storageType,
    Iops: i.iops,
    DBSubnetGroup: {
      DBSubnetGroupName: i.subnetGroup,
      VpcId: subnet?.vpcId,
      SubnetGroupStatus: 'Complete',
    },
    VpcSecurityGroups: i.securityGroupIds.map((id) => ({
      VpcSecurityGroupId: id,
      Status: 'active',
    })),
    DBParameterGroups: [
      { DBParameterGroupName: i.parameterGroup, ParameterApplyStatus: 'in-sync' },
    ],
    StorageEncrypted: i.storageEncrypted,
    KmsKeyId: i.kmsKeyArn,
    PubliclyAccessible: i.publiclyAccessible,
    MasterUsername: i.masterUsername,
    MasterUserSecret: i.masterUserSecret ? { ...i.masterUserSecret } : undefined,
    DeletionProtection: i.deletionProtection,
    PromotionTier: i.clusterIdentifier ? i.promotionTier : undefined,
    InstanceCreateTime: i.status === 'creating' ? undefined : new Date(i.createdAt),
    TagList: i.tags.map((t) => ({ ...t })),
    PendingModifiedValues: { ...i.pending },
  })
}

/** PercentProgress of a snapshot being created or copied, from its simulated window. */
export function percentProgress(
  store: RdsStore,
  s: ClusterSnapshotRecord | SnapshotRecord,
): number {
  if (!IN_PROGRESS.has(s.status)) return 100
  const span = s.progressEnd - s.progressStart
  if (span <= 0) return 0
  const done = Math.floor(((store.now() - s.progressStart) / span) * 100)
  return Math.max(0, Math.min(99, done))
}

/** SnapshotType as the caller sees it: `shared` for another account's snapshot. */
function snapshotType(s: ClusterSnapshotRecord | SnapshotRecord, caller: string): string {
  return s.account === caller ? s.snapshotType : 'shared'
}

export function clusterSnapshotShape(
  store: RdsStore,
  s: ClusterSnapshotRecord,
  caller: string,
): Record<string, unknown> {
  return defined({
    DBClusterSnapshotIdentifier: s.identifier,
    DBClusterSnapshotArn: store.arnOf(s),
    DBClusterIdentifier: s.clusterIdentifier,
    SnapshotCreateTime: new Date(s.createdAt),
    ClusterCreateTime: new Date(s.clusterCreateTime),
    Engine: s.engine,
    EngineVersion: s.engineVersion,
    EngineMode: 'provisioned',
    AllocatedStorage: s.allocatedStorage,
    StorageType: s.storageType,
    Status: s.status,
    Port: s.port,
    MasterUsername: s.masterUsername,
    SnapshotType: snapshotType(s, caller),
    PercentProgress: percentProgress(store, s),
    StorageEncrypted: s.encrypted,
    KmsKeyId: s.kmsKeyArn,
    SourceDBClusterSnapshotArn: s.sourceSnapshotArn,
    TagList: s.tags.map((t) => ({ ...t })),
  })
}

export function snapshotShape(
  store: RdsStore,
  s: SnapshotRecord,
  caller: string,
): Record<string, unknown> {
  return defined({
    DBSnapshotIdentifier: s.identifier,
    DBSnapshotArn: store.arnOf(s),
    DBInstanceIdentifier: s.instanceIdentifier,
    SnapshotCreateTime: new Date(s.createdAt),
    InstanceCreateTime: new Date(s.instanceCreateTime),
    Engine: s.engine,
    EngineVersion: s.engineVersion,
    AllocatedStorage: s.allocatedStorage,
    StorageType: s.storageType,
    Iops: s.iops,
    Status: s.status,
    Port: s.port,
    MasterUsername: s.masterUsername,
    SnapshotType: snapshotType(s, caller),
    PercentProgress: percentProgress(store, s),
    Encrypted: s.encrypted,
    KmsKeyId: s.kmsKeyArn,
    SourceDBSnapshotIdentifier: s.sourceSnapshotArn,
    TagList: s.tags.map((t) => ({ ...t })),
  })
}
