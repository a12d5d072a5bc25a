/** DB instance operations: create (in a cluster), describe, modify, delete, restore from snapshot. */
import { AwsError } from '../../core/types.ts'
import type { CallContext, OperationHandler } from '../../core/types.ts'
import { sharedEncryptedRestore } from './clusters.ts'
import {
  bool,
  checkParameterGroup,
  checkSecurityGroups,
  checkSubnetGroup,
  clusterNotFound,
  filters,
  findClusterSnapshot,
  findSnapshot,
  instanceNotFound,
  invalidCombination,
  invalidValue,
  num,
  page,
  parameterFamily,
  parseRdsArn,
  str,
  strList,
  tagsOf,
  newManagedSecret,
  requireAvailableSnapshot,
} from './common.ts'
import { checkInstanceQuota, instanceRecord } from './instances-create.ts'
import { creation, deletion } from './lifecycle.ts'
import { checkPassword } from './passwords.ts'
import { instanceShape } from './present.ts'
import { isAurora } from './records.ts'
import type { ClusterSnapshotRecord, InstanceRecord, SnapshotRecord } from './records.ts'
import { ghostFor, leaveGhost } from './renames.ts'
import { newDbSnapshot } from './snapshots.ts'
import type { RdsStore } from './store.ts'
import { fingerprint } from './store.ts'

export function instanceHandlers(store: RdsStore): Record<string, OperationHandler> {
  return {
    CreateDBInstance: (ctx) => ({ DBInstance: instanceShape(store, createInstance(store, ctx)) }),
    DescribeDBInstances: (ctx) => describeInstances(store, ctx),
    ModifyDBInstance: (ctx) => ({ DBInstance: instanceShape(store, modifyInstance(store, ctx)) }),
    DeleteDBInstance: (ctx) => ({ DBInstance: instanceShape(store, deleteInstance(store, ctx)) }),
    RestoreDBInstanceFromDBSnapshot: (ctx) => ({
      DBInstance: instanceShape(store, restoreInstance(store, ctx)),
    }),
  }
}

function checkInstanceNameFree(store: RdsStore, account: string, id: string): void {
  const instances = store.account(account).instances
  if (instances.has(id) || [...instances.values()].some((i) => i.renamingTo === id)) {
    throw new AwsError('DBInstanceAlreadyExists', 'DB instance already exists', 400)
  }
}

function ownInstance(store: RdsStore, account: string, id: string): InstanceRecord {
  const instance = store.account(account).instances.get(id)
  if (!instance) throw instanceNotFound(id)
  return instance
}

/**
 * A DB instance by identifier or ARN. DB instances are never shared: another account's ARN (or
 * an ARN of another kind) answers DBInstanceNotFound, never the caller's instance of that name.
 */
function instanceByRef(store: RdsStore, account: string, ref: string): InstanceRecord {
  const arn = parseRdsArn(ref)
  if (!arn) return ownInstance(store, account, ref)
  if (arn.account !== account || arn.kind !== 'db') throw instanceNotFound(ref)
  return ownInstance(store, account, arn.identifier)
}

function createInstance(store: RdsStore, ctx: CallContext): InstanceRecord {
  const input = ctx.input
  const id = str(input, 'DBInstanceIdentifier') as string
  const instanceClass = str(input, 'DBInstanceClass') as string
  const engine = str(input, 'Engine') as string
  const clusterId = str(input, 'DBClusterIdentifier')
  if (clusterId === undefined) {
    throw invalidCombination(
      'This simulator creates DB instances only inside Aurora DB clusters: specify DBClusterIdentifier.',
    )
  }
  const cluster = store.account(ctx.account).clusters.get(clusterId)
  if (!cluster) throw clusterNotFound(clusterId)
  if (!isAurora(cluster.engine)) {
    throw invalidCombination(
      `DB instances can't be added to the Multi-AZ DB cluster ${clusterId}; its instances are managed by the cluster.`,
    )
  }
  if ((strList(input, 'VpcSecurityGroupIds') ?? []).length > 0) {
    throw invalidCombination(
      `The requested DB instance will be a member of the DB cluster ${clusterId}. Set VPC security groups on the DB cluster.`,
    )
  }
  if (engine !== cluster.engine) {
    throw invalidCombination(
      `The engine name requested for your DB instance (${engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`,
    )
  }
  if (cluster.status !== 'available') {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${clusterId} is not in available state (status: ${cluster.status}).`,
      400,
    )
  }
  if (instanceClass === 'db.serverless' && !cluster.serverlessV2) {
    throw invalidCombination(
      `Set the Serverless v2 scaling configuration (ServerlessV2ScalingConfiguration) on the DB cluster ${clusterId} before adding a db.serverless DB instance.`,
    )
  }
  checkInstanceNameFree(store, ctx.account, id)
  checkInstanceQuota(store, ctx.account)
  const acct = store.account(ctx.account)
  const family = parameterFamily(cluster.engine, cluster.engineVersion)
  const members = [...acct.instances.values()].filter((i) => i.clusterIdentifier === clusterId)
  const instance = instanceRecord(store, {
    account: ctx.account,
    identifier: id,
    status: 'creating',
    clusterIdentifier: clusterId,
    instanceClass,
    engine,
    engineVersion: cluster.engineVersion,
    masterUsername: cluster.masterUsername,
    subnetGroup: cluster.subnetGroup,
    securityGroupIds: cluster.securityGroupIds,
    parameterGroup: checkParameterGroup(acct, str(input, 'DBParameterGroupName'), family),
    storageEncrypted: cluster.storageEncrypted,
    kmsKeyArn: cluster.kmsKeyArn,
    publiclyAccessible: bool(input, 'PubliclyAccessible') ?? cluster.publiclyAccessible,
    deletionProtection: false,
    promotionTier: num(input, 'PromotionTier') ?? 1,
    isWriter: !members.some((m) => m.isWriter),
    tags: tagsOf(input),
  })
  store.add(instance)
  store.schedule(
    instance,
    creation(
      store,
      store.env.scenario.durations.instanceCreate,
      store.finalStatus(ctx.operation, id),
    ),
  )
  return instance
}

function describeInstances(store: RdsStore, ctx: CallContext): Record<string, unknown> {
  const input = ctx.input
  const wanted = filters(input, [
    'db-cluster-id',
    'db-instance-id',
    'dbi-resource-id',
    'domain',
    'engine',
  ])
  const byId = str(input, 'DBInstanceIdentifier')
  const stale =
    byId === undefined
      ? undefined
      : ghostFor(store, { type: 'db-instance', account: ctx.account, identifier: byId })
  if (stale) return { DBInstances: [stale] }
  let list =
    byId !== undefined
      ? [instanceByRef(store, ctx.account, byId)]
      : [...store.account(ctx.account).instances.values()]
  const clusters = wanted.get('db-cluster-id')
  const ids = wanted.get('db-instance-id')
  const resourceIds = wanted.get('dbi-resource-id')
  const engines = wanted.get('engine')
  const clusterArn = (id: string): string => store.arn('db-cluster', ctx.account, id)
  list = list.filter(
    (i) =>
      (!clusters ||
        (i.clusterIdentifier !== undefined &&
          (clusters.includes(i.clusterIdentifier) ||
            clusters.includes(clusterArn(i.clusterIdentifier))))) &&
      (!ids || ids.includes(i.identifier) || ids.includes(store.arnOf(i))) &&
      (!resourceIds || resourceIds.includes(i.resourceId)) &&
      (!engines || engines.includes(i.engine)) &&
      // No simulated instance joins an Active Directory domain.
      !wanted.has('domain'),
  )
  const { items, Marker } = page(list, input)
  return { DBInstances: items.map((i) => instanceShape(store, i)), Marker }
}

function modifyInstance(store: RdsStore, ctx: CallContext): InstanceRecord {
  const input = ctx.input
  const instance = ownInstance(store, ctx.account, str(input, 'DBInstanceIdentifier') as string)
  const password = str(input, 'MasterUserPassword')
  const manage = bool(input, 'ManageMasterUserPassword')
  const inCluster = instance.clusterIdentifier !== undefined
  if (inCluster && (password !== undefined || manage !== undefined)) {
    throw invalidCombination(
      `The master user password of ${instance.identifier} is managed by its DB cluster ${instance.clusterIdentifier}: use ModifyDBCluster.`,
    )
  }
  if (password !== undefined && manage === true) {
    throw invalidCombination(
      'You cannot specify both MasterUserPassword and ManageMasterUserPassword.',
    )
  }
  if (instance.status !== 'available') {
    throw new AwsError(
      'InvalidDBInstanceState',
      `DB instance ${instance.identifier} is not in available state (status: ${instance.status}).`,
      400,
    )
  }
  if (password !== undefined) checkPassword(password)
  const newId = str(input, 'NewDBInstanceIdentifier')
  if (newId !== undefined && newId !== instance.identifier)
    checkInstanceNameFree(store, ctx.account, newId)
  const newClass = str(input, 'DBInstanceClass')
  const applyNow = bool(input, 'ApplyImmediately') === true
  const protection = bool(input, 'DeletionProtection')
  if (protection !== undefined) instance.deletionProtection = protection
  const promotionTier = num(input, 'PromotionTier')
  if (promotionTier !== undefined) instance.promotionTier = promotionTier

  const seconds = store.env.scenario.durations.instanceModify
  const atEnd: (() => void)[] = []
  const transitions = []
  let status: string | undefined
  if (password !== undefined) {
    instance.pending.MasterUserPassword = '****'
    atEnd.push(() => {
      instance.passwordFingerprint = fingerprint(password)
      delete instance.pending.MasterUserPassword
    })
    status = 'resetting-master-credentials'
  }
  if (manage === true && !instance.masterUserSecret) {
    const { secret, activate } = newManagedSecret(store, { caller: ctx.account, kind: 'db', input })
    instance.masterUserSecret = secret
    atEnd.push(activate)
    status ??= 'modifying'
  }
  if (newClass !== undefined && newClass !== instance.instanceClass) {
    if (applyNow) {
      atEnd.push(() => (instance.instanceClass = newClass))
      status = 'modifying'
    } else instance.pending.DBInstanceClass = newClass
  }
  if (newId !== undefined && newId !== instance.identifier) {
    if (applyNow) {
      leaveGhost(store, instance, {
        shape: instanceShape(store, instance),
        leavesAt: store.after(seconds / 2),
      })
      instance.renamingTo = newId
      status = 'renaming'
      transitions.push({
        at: store.after(seconds / 2),
        status: 'renaming',
        effect: () => {
          store.rename(instance, newId)
          instance.renamingTo = undefined
        },
      })
    } else instance.pending.DBInstanceIdentifier = newId
  }
  if (status !== undefined) {
    transitions.push({
      at: store.after(seconds),
      status: 'available',
      effect: () => atEnd.forEach((f) => f()),
    })
    store.setStatus(instance, status, transitions)
  }
  return instance
}

const FAILED = new Set(['failed', 'incompatible-restore', 'incompatible-network', 'restore-error'])

function deleteInstance(store: RdsStore, ctx: CallContext): InstanceRecord {
  const input = ctx.input
  const instance = ownInstance(store, ctx.account, str(input, 'DBInstanceIdentifier') as string)
  const skip = bool(input, 'SkipFinalSnapshot') === true
  const finalId = str(input, 'FinalDBSnapshotIdentifier')
  if (instance.deletionProtection) {
    throw invalidCombination(
      'Cannot delete protected DB Instance, please disable deletion protection and try again.',
    )
  }
  const cluster = instance.clusterIdentifier
    ? store.account(ctx.account).clusters.get(instance.clusterIdentifier)
    : undefined
  if (cluster && !isAurora(cluster.engine)) {
    throw invalidCombination(
      `DB instance ${instance.identifier} is a member of the Multi-AZ DB cluster ${cluster.identifier}; delete the DB cluster instead.`,
    )
  }
  if (instance.status === 'deleting') {
    throw new AwsError(
      'InvalidDBInstanceState',
      `DB instance ${instance.identifier} is already being deleted.`,
      400,
    )
  }
  if (cluster) {
    if (finalId !== undefined) {
      throw invalidCombination(
        'FinalDBSnapshotIdentifier can not be specified when deleting a DB instance that is part of a DB cluster.',
      )
    }
  } else {
    if (skip && finalId !== undefined) {
      throw invalidCombination(
        'FinalDBSnapshotIdentifier can not be specified when SkipFinalSnapshot is true.',
      )
    }
    if (!skip && finalId === undefined) {
      throw invalidCombination(
        'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
      )
    }
    if (!skip && FAILED.has(instance.status)) {
      throw invalidCombination(
        `DB instance ${instance.identifier} is in ${instance.status} state: it can only be deleted with SkipFinalSnapshot.`,
      )
    }
    if (finalId !== undefined)
      newDbSnapshot(store, { ctx, instance, identifier: finalId, tags: [] })
  }
  if (cluster && instance.isWriter) failOver(store, instance)
  store.setStatus(
    instance,
    'deleting',
    deletion(store, store.env.scenario.durations.instanceDelete),
  )
  return instance
}

/** Deleting the writer fails over to the reader with the best (lowest) promotion tier. */
function failOver(store: RdsStore, writer: InstanceRecord): void {
  const readers = [...store.account(writer.account).instances.values()]
    .filter(
      (i) =>
        i !== writer && i.clusterIdentifier === writer.clusterIdentifier && i.status !== 'deleting',
    )
    .sort((a, b) => a.promotionTier - b.promotionTier)
  const next = readers[0]
  if (!next) return
  writer.isWriter = false
  next.isWriter = true
}

type InstanceSource = ClusterSnapshotRecord | SnapshotRecord

function restoreInstance(store: RdsStore, ctx: CallContext): InstanceRecord {
  const input = ctx.input
  const caller = ctx.account
  const id = str(input, 'DBInstanceIdentifier') as string
  const snapshotRef = str(input, 'DBSnapshotIdentifier')
  const clusterSnapshotRef = str(input, 'DBClusterSnapshotIdentifier')
  if ((snapshotRef === undefined) === (clusterSnapshotRef === undefined)) {
    throw invalidCombination(
      'Specify exactly one of DBSnapshotIdentifier or DBClusterSnapshotIdentifier.',
    )
  }
  const snap: InstanceSource =
    snapshotRef !== undefined
      ? findSnapshot(store, caller, snapshotRef)
      : findClusterSnapshot(store, caller, clusterSnapshotRef as string)
  if (snap.type === 'db-cluster-snapshot' && isAurora(snap.engine)) {
    throw invalidValue(
      `DBClusterSnapshotIdentifier can't be the identifier of an Aurora DB cluster snapshot: ${snap.identifier} is an ${snap.engine} snapshot.`,
    )
  }
  requireAvailableSnapshot(snap)
  if (snap.account !== caller && snap.encrypted) throw sharedEncryptedRestore(snap.identifier)
  const engine = str(input, 'Engine')
  if (engine !== undefined && engine !== snap.engine) {
    throw invalidCombination(
      `The engine ${engine} doesn't match the snapshot's engine ${snap.engine}.`,
    )
  }
  const storageType = str(input, 'StorageType') ?? snap.storageType ?? 'gp3'
  const allocated = num(input, 'AllocatedStorage') ?? snap.allocatedStorage
  if (allocated < snap.allocatedStorage) {
    throw invalidCombination(
      `Invalid storage size for engine name ${snap.engine} and storage type ${storageType}: ${allocated}. The storage size can't be smaller than the snapshot's ${snap.allocatedStorage} GiB.`,
    )
  }
  const iops =
    num(input, 'Iops') ?? (str(input, 'StorageType') === undefined ? snap.iops : undefined)
  if (['io1', 'io2'].includes(storageType) && iops === undefined) {
    throw invalidCombination(`Iops is required when StorageType is ${storageType}.`)
  }
  checkInstanceNameFree(store, caller, id)
  checkInstanceQuota(store, caller)
  const acct = store.account(caller)
  const instance = instanceRecord(store, {
    account: caller,
    identifier: id,
    status: 'creating',
    instanceClass: str(input, 'DBInstanceClass') ?? snap.sourceInstanceClass ?? 'db.m6gd.large',
    engine: snap.engine,
    engineVersion: snap.engineVersion,
    masterUsername: snap.masterUsername,
    multiAZ: bool(input, 'MultiAZ') ?? false,
    allocatedStorage: allocated,
    storageType,
    iops,
    subnetGroup: checkSubnetGroup(acct, str(input, 'DBSubnetGroupName')),
    securityGroupIds: checkSecurityGroups(acct, strList(input, 'VpcSecurityGroupIds')),
    parameterGroup: checkParameterGroup(
      acct,
      str(input, 'DBParameterGroupName'),
      parameterFamily(snap.engine, snap.engineVersion),
    ),
    storageEncrypted: snap.encrypted,
    kmsKeyArn: snap.kmsKeyArn,
    publiclyAccessible: bool(input, 'PubliclyAccessible') ?? false,
    deletionProtection: bool(input, 'DeletionProtection') ?? false,
    tags: tagsOf(input),
  })
  store.add(instance)
  store.schedule(
    instance,
    creation(
      store,
      store.env.scenario.durations.instanceRestore,
      store.finalStatus(ctx.operation, id),
    ),
  )
  return instance
}
