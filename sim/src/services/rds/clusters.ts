/** DB cluster operations: describe, clone/PITR, restore from snapshot, modify, delete. */
import { randomUUID } from 'node:crypto'
import { AwsError } from '../../core/types.ts'
import type { CallContext, OperationHandler } from '../../core/types.ts'
import {
  DEFAULT_ENGINE_VERSIONS,
  ENGINE_FAMILY,
  bool,
  checkClusterParameterGroup,
  checkSecurityGroups,
  checkSourceKey,
  checkSubnetGroup,
  filters,
  findCluster,
  findClusterSnapshot,
  findSnapshot,
  invalidCombination,
  invalidValue,
  isAwsManaged,
  num,
  page,
  parameterFamily,
  parseRdsArn,
  scalingConfig,
  str,
  strList,
  tagsOf,
  newManagedSecret,
  requireAvailableSnapshot,
  usableKey,
} from './common.ts'
import type { Input } from './common.ts'
import { checkInstanceQuota, instanceRecord } from './instances-create.ts'
import { creation, deletion } from './lifecycle.ts'
import { checkPassword } from './passwords.ts'
import { clusterShape, sharedClusterShape } from './present.ts'
import { isAurora, newResourceId } from './records.ts'
import type { ClusterRecord, ClusterSnapshotRecord, SnapshotRecord, Tag } from './records.ts'
import { ghostFor, leaveGhost } from './renames.ts'
import { newClusterSnapshot } from './snapshots.ts'
import type { RdsStore } from './store.ts'
import { fingerprint } from './store.ts'

/** Live copy-on-write clones per source before AWS silently makes a full copy. [AUG-Aurora.Managing.Clone] */
export const COW_CLONE_LIMIT = 15

const MODIFIABLE = new Set(['available'])

export function clusterHandlers(store: RdsStore): Record<string, OperationHandler> {
  return {
    DescribeDBClusters: (ctx) => describeClusters(store, ctx),
    RestoreDBClusterToPointInTime: (ctx) => ({
      DBCluster: clusterShape(store, restorePointInTime(store, ctx)),
    }),
    RestoreDBClusterFromSnapshot: (ctx) => ({
      DBCluster: clusterShape(store, restoreFromSnapshot(store, ctx)),
    }),
    ModifyDBCluster: (ctx) => ({ DBCluster: clusterShape(store, modifyCluster(store, ctx)) }),
    DeleteDBCluster: (ctx) => ({ DBCluster: clusterShape(store, deleteCluster(store, ctx)) }),
  }
}

function describeClusters(store: RdsStore, ctx: CallContext): Record<string, unknown> {
  const input = ctx.input
  const byId = str(input, 'DBClusterIdentifier')
  const wanted = filters(input, [
    'clone-group-id',
    'db-cluster-id',
    'db-cluster-resource-id',
    'domain',
    'engine',
  ])
  let clusters: ClusterRecord[]
  const stale =
    byId === undefined
      ? undefined
      : ghostFor(store, { type: 'db-cluster', account: ctx.account, identifier: byId })
  if (stale) return { DBClusters: [stale] }
  if (byId !== undefined) {
    clusters = [findCluster(store, ctx.account, byId, true)]
  } else {
    clusters = [...store.account(ctx.account).clusters.values()]
    if (bool(input, 'IncludeShared')) clusters.push(...sharedClusters(store, ctx.account))
  }
  const ids = wanted.get('db-cluster-id')
  const resourceIds = wanted.get('db-cluster-resource-id')
  const engines = wanted.get('engine')
  const groups = wanted.get('clone-group-id')
  clusters = clusters.filter(
    (c) =>
      (!ids || ids.includes(c.identifier) || ids.includes(store.arnOf(c))) &&
      (!resourceIds || resourceIds.includes(c.resourceId)) &&
      (!engines || engines.includes(c.engine)) &&
      (!groups || (c.cloneGroupId !== undefined && groups.includes(c.cloneGroupId))) &&
      // No simulated cluster joins an Active Directory domain.
      !wanted.has('domain'),
  )
  const { items, Marker } = page(clusters, input)
  return {
    DBClusters: items.map((c) =>
      c.account === ctx.account ? clusterShape(store, c) : sharedClusterShape(store, c),
    ),
    Marker,
  }
}

function sharedClusters(store: RdsStore, caller: string): ClusterRecord[] {
  return store
    .accountIds()
    .filter((id) => id !== caller)
    .flatMap((id) => [...store.account(id).clusters.values()])
    .filter((c) => store.ram.isSharedWith(store.arnOf(c), caller))
}

/** Identifier free in the account (also not reserved by a rename in progress)? */
function checkClusterNameFree(store: RdsStore, account: string, id: string): void {
  const clusters = store.account(account).clusters
  if (clusters.has(id) || [...clusters.values()].some((c) => c.renamingTo === id)) {
    throw new AwsError('DBClusterAlreadyExistsFault', 'DB Cluster already exists', 400)
  }
}

function checkClusterQuota(store: RdsStore, account: string): void {
  const acct = store.account(account)
  if (acct.clusters.size >= acct.quotas.clusters) {
    throw new AwsError(
      'DBClusterQuotaExceededFault',
      `Cannot create more than ${acct.quotas.clusters} DB clusters in this account.`,
      403,
    )
  }
}

interface Placement {
  subnetGroup: string
  securityGroupIds: string[]
  clusterParameterGroup: string
}

function clusterPlacement(store: RdsStore, ctx: CallContext, family: string): Placement {
  const acct = store.account(ctx.account)
  return {
    subnetGroup: checkSubnetGroup(acct, str(ctx.input, 'DBSubnetGroupName')),
    securityGroupIds: checkSecurityGroups(acct, strList(ctx.input, 'VpcSecurityGroupIds')),
    clusterParameterGroup: checkClusterParameterGroup(
      acct,
      str(ctx.input, 'DBClusterParameterGroupName'),
      family,
    ),
  }
}

function refuseMonitoringOptions(input: Input): void {
  for (const name of ['EnablePerformanceInsights', 'MonitoringInterval', 'MonitoringRoleArn']) {
    if (input[name] !== undefined) {
      throw invalidCombination(
        `${name} isn't supported for this restore: Performance Insights and Enhanced Monitoring can only be set here for Aurora Limitless Database clusters.`,
      )
    }
  }
}

function restorePointInTime(store: RdsStore, ctx: CallContext): ClusterRecord {
  const input = ctx.input
  const caller = ctx.account
  const id = str(input, 'DBClusterIdentifier') as string
  const sourceRef = str(input, 'SourceDBClusterIdentifier')
  if (sourceRef === undefined) {
    throw invalidCombination(
      'Either SourceDBClusterIdentifier or SourceDbClusterResourceId must be specified.',
    )
  }
  const latest = bool(input, 'UseLatestRestorableTime') === true
  if (latest && input.RestoreToTime !== undefined) {
    throw invalidCombination('Cannot specify both RestoreToTime and UseLatestRestorableTime.')
  }
  if (!latest && input.RestoreToTime === undefined) {
    throw invalidCombination('Either RestoreToTime or UseLatestRestorableTime must be specified.')
  }
  refuseMonitoringOptions(input)
  const source = findCluster(store, caller, sourceRef, true)
  const crossAccount = source.account !== caller
  const requested = (str(input, 'RestoreType') ?? 'full-copy') as 'copy-on-write' | 'full-copy'
  if (!isAurora(source.engine)) {
    throw invalidCombination(
      `Point-in-time restore and cloning are simulated for Aurora DB clusters only; ${source.identifier} is a Multi-AZ DB cluster (${source.engine}).`,
    )
  }
  if (source.status !== 'available') {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DBCluster ${source.identifier} is not in available state.`,
      400,
    )
  }
  const members = [...store.account(source.account).instances.values()].filter(
    (i) => i.clusterIdentifier === source.identifier,
  )
  if (members.length === 0) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `The source DB cluster ${source.identifier} doesn't have any DB instances. A cluster must have at least one DB instance to be cloned or restored.`,
      400,
    )
  }
  if (source.crossAccountClone) {
    throw invalidCombination(
      `You can't clone ${store.arnOf(source)}: it is itself a cross-account clone. Clone its source, or restore a snapshot of it.`,
    )
  }
  if (crossAccount) checkCrossAccountClone(store, caller, source, requested)
  checkClusterNameFree(store, caller, id)
  checkClusterQuota(store, caller)
  const placement = clusterPlacement(
    store,
    ctx,
    parameterFamily(source.engine, source.engineVersion),
  )
  const serverlessV2 = scalingConfig(input)
  const kmsKeyArn = pitrKey(store, caller, source, str(input, 'KmsKeyId'))
  source.cloneGroupId ??= randomUUID()
  const cowInGroup = [...allClusters(store)].filter(
    (c) =>
      c !== source && c.cloneGroupId === source.cloneGroupId && c.restoreType === 'copy-on-write',
  ).length
  const fellBack = requested === 'copy-on-write' && cowInGroup >= COW_CLONE_LIMIT
  if (crossAccount) checkCrossAccountCloneLimits(store, source, fellBack)
  const restoreType = fellBack ? 'full-copy' : requested
  const seconds =
    restoreType === 'copy-on-write'
      ? store.env.scenario.durations.clusterClone
      : store.env.scenario.durations.clusterFullCopy
  const cluster: ClusterRecord = {
    ...baseCluster(store, caller, id),
    engine: source.engine,
    engineVersion: source.engineVersion,
    masterUsername: source.masterUsername,
    passwordFingerprint: source.passwordFingerprint,
    storageEncrypted: source.storageEncrypted,
    kmsKeyArn,
    deletionProtection: bool(input, 'DeletionProtection') ?? false,
    crossAccountClone: crossAccount,
    cloneGroupId: source.cloneGroupId,
    restoreType,
    sourceClusterArn: store.arnOf(source),
    serverlessV2,
    ...placement,
    publiclyAccessible: bool(input, 'PubliclyAccessible') ?? false,
    tags: tagsOf(input),
  }
  store.add(cluster)
  if (fellBack) store.note(cluster, 'full-copy')
  store.schedule(cluster, creation(store, seconds, store.finalStatus(ctx.operation, id)))
  return cluster
}

function checkCrossAccountClone(
  store: RdsStore,
  caller: string,
  source: ClusterRecord,
  restoreType: string,
): void {
  if (restoreType !== 'copy-on-write') {
    throw invalidCombination(
      'A DB cluster shared from another AWS account can only be restored with RestoreType copy-on-write.',
    )
  }
  const sourceArn = store.arnOf(source)
  const existing = [...store.account(caller).clusters.values()].find(
    (c) => c.crossAccountClone && c.sourceClusterArn === sourceArn,
  )
  if (existing) {
    throw invalidCombination(
      `Account ${caller} already has a cross-account clone (${existing.identifier}) of DB cluster ${sourceArn}. Only one cross-account clone per account is allowed; delete it first.`,
    )
  }
}

/**
 * Across accounts AWS restores only copy-on-write, so past the copy-on-write limit there is no
 * full copy to fall back to; and it allows 15 cross-account clones per source and its clones
 * ("You can create a maximum of 15 cross-account clones from any single Aurora DB cluster",
 * Aurora User Guide, cross-account cloning). The error code is unconfirmed.
 */
function checkCrossAccountCloneLimits(
  store: RdsStore,
  source: ClusterRecord,
  pastCopyOnWriteLimit: boolean,
): void {
  const sourceArn = store.arnOf(source)
  const crossAccountClones = [...allClusters(store)].filter(
    (c) => c.crossAccountClone && c.cloneGroupId === source.cloneGroupId,
  ).length
  if (crossAccountClones >= COW_CLONE_LIMIT) {
    throw invalidCombination(
      `DB cluster ${sourceArn} and its clones already have ${crossAccountClones} cross-account clones, the maximum (${COW_CLONE_LIMIT}).`,
    )
  }
  if (pastCopyOnWriteLimit) {
    throw invalidCombination(
      `DB cluster ${sourceArn} already has ${COW_CLONE_LIMIT} copy-on-write clones; a cross-account clone must be copy-on-write, so it can't be created until one is deleted.`,
    )
  }
}

/** The clone's key: source key (checked usable cross-account), or the caller's KmsKeyId. */
function pitrKey(
  store: RdsStore,
  caller: string,
  source: ClusterRecord,
  keyRef: string | undefined,
): string | undefined {
  if (!source.storageEncrypted || !source.kmsKeyArn) {
    if (keyRef !== undefined) {
      throw invalidCombination(
        `The source DB cluster ${source.identifier} isn't encrypted: KmsKeyId can't be specified.`,
      )
    }
    return undefined
  }
  if (source.account !== caller) {
    if (isAwsManaged(store, source.account, source.kmsKeyArn)) {
      throw new AwsError(
        'KMSKeyNotAccessibleFault',
        `The source DB cluster is encrypted with the default AWS managed KMS key (aws/rds) of account ${source.account}, which can't be used by another account. Clone a cluster encrypted with a customer managed key instead.`,
        400,
      )
    }
    checkSourceKey(store, caller, source.kmsKeyArn)
  }
  return keyRef === undefined ? source.kmsKeyArn : usableKey(store, caller, keyRef).arn
}

function* allClusters(store: RdsStore): Generator<ClusterRecord> {
  for (const id of store.accountIds()) yield* store.account(id).clusters.values()
}

function baseCluster(
  store: RdsStore,
  account: string,
  identifier: string,
): Pick<
  ClusterRecord,
  | 'type'
  | 'resourceId'
  | 'account'
  | 'identifier'
  | 'status'
  | 'transitions'
  | 'createdAt'
  | 'pending'
> {
  return {
    type: 'db-cluster',
    resourceId: newResourceId('cluster'),
    account,
    identifier,
    status: 'creating',
    transitions: [],
    createdAt: store.now(),
    pending: {},
  }
}

type RestoreSource =
  | { kind: 'cluster-snapshot'; snapshot: ClusterSnapshotRecord }
  | { kind: 'snapshot'; snapshot: SnapshotRecord }

/** SnapshotIdentifier: a DB cluster snapshot (name or ARN) or a DB snapshot (ARN only). */
function restoreSource(store: RdsStore, caller: string, ref: string): RestoreSource {
  const arn = parseRdsArn(ref)
  if (arn?.kind === 'snapshot')
    return { kind: 'snapshot', snapshot: findSnapshot(store, caller, ref) }
  if (arn) return { kind: 'cluster-snapshot', snapshot: findClusterSnapshot(store, caller, ref) }
  const own = store.account(caller).clusterSnapshots.get(ref)
  if (own) return { kind: 'cluster-snapshot', snapshot: own }
  if (store.account(caller).snapshots.has(ref)) {
    throw new AwsError(
      'DBSnapshotNotFound',
      `DBSnapshot not found: ${ref}. You can use only the ARN to specify a DB snapshot.`,
      404,
    )
  }
  throw new AwsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot not found: ${ref}`, 404)
}

function restoreFromSnapshot(store: RdsStore, ctx: CallContext): ClusterRecord {
  const input = ctx.input
  const caller = ctx.account
  const id = str(input, 'DBClusterIdentifier') as string
  const engine = str(input, 'Engine') as string
  refuseMonitoringOptions(input)
  const source = restoreSource(store, caller, str(input, 'SnapshotIdentifier') as string)
  const snap = source.snapshot
  const crossAccount = snap.account !== caller
  checkRestoreEngine(engine, snap.engine, source.kind)
  requireAvailableSnapshot(snap)
  const multiAZ = !isAurora(engine)
  if (crossAccount && snap.encrypted && !isAurora(snap.engine)) {
    checkSharedEncryptedMultiAzRestore(store, source, str(input, 'KmsKeyId'))
  }
  const storage = multiAZ ? multiAzStorage(input, snap) : undefined
  checkClusterNameFree(store, caller, id)
  checkClusterQuota(store, caller)
  if (multiAZ) checkInstanceQuota(store, caller, 3)
  const engineVersion =
    str(input, 'EngineVersion') ?? DEFAULT_ENGINE_VERSIONS[engine] ?? snap.engineVersion
  const placement = clusterPlacement(store, ctx, parameterFamily(engine, engineVersion))
  const serverlessV2 = scalingConfig(input)
  if (serverlessV2 && multiAZ) {
    throw invalidCombination('ServerlessV2ScalingConfiguration applies to Aurora DB clusters only.')
  }
  const kmsKeyArn = restoreKey(store, caller, snap, str(input, 'KmsKeyId'))
  const cluster: ClusterRecord = {
    ...baseCluster(store, caller, id),
    engine,
    engineVersion,
    masterUsername: snap.masterUsername,
    storageEncrypted: kmsKeyArn !== undefined,
    kmsKeyArn,
    deletionProtection: bool(input, 'DeletionProtection') ?? false,
    crossAccountClone: false,
    serverlessV2,
    ...storage,
    ...placement,
    publiclyAccessible: bool(input, 'PubliclyAccessible') ?? false,
    tags: tagsOf(input),
  }
  const final = store.finalStatus(ctx.operation, id)
  const seconds = store.env.scenario.durations.clusterRestoreFromSnapshot
  store.add(cluster)
  store.schedule(cluster, creation(store, seconds, final))
  if (multiAZ) addMultiAzMembers(store, cluster, seconds, final)
  return cluster
}

function checkRestoreEngine(
  engine: string,
  snapshotEngine: string,
  kind: RestoreSource['kind'],
): void {
  const sameFamily = ENGINE_FAMILY[engine] === ENGINE_FAMILY[snapshotEngine]
  const exact = engine === snapshotEngine
  if (kind === 'cluster-snapshot' ? !exact : !sameFamily) {
    throw invalidCombination(
      `The engine name requested for your DB cluster (${engine}) doesn't match the engine of the snapshot (${snapshotEngine}).`,
    )
  }
}

/**
 * A shared encrypted non-Aurora snapshot can't be restored directly, except, in the world where
 * AWS allows it (scenario.multiAzSnapshotSharing `share-and-restore`), a Multi-AZ DB cluster
 * snapshot restored with the destination's own KmsKeyId.
 */
function checkSharedEncryptedMultiAzRestore(
  store: RdsStore,
  source: RestoreSource,
  keyRef: string | undefined,
): void {
  const restorable =
    source.kind === 'cluster-snapshot' &&
    store.env.scenario.multiAzSnapshotSharing === 'share-and-restore'
  if (!restorable) throw sharedEncryptedRestore(source.snapshot.identifier)
  if (keyRef === undefined) {
    throw invalidCombination(
      `KmsKeyId is required to restore from the encrypted snapshot ${store.arnOf(source.snapshot)} shared from account ${source.snapshot.account}: name a key of your account.`,
    )
  }
}

export function sharedEncryptedRestore(id: string): AwsError {
  return invalidCombination(
    `You can't restore from the snapshot ${id}: it is both shared and encrypted. Copy the snapshot to your account first, then restore from the copy.`,
  )
}

function multiAzStorage(
  input: Input,
  snap: ClusterSnapshotRecord | SnapshotRecord,
): Pick<ClusterRecord, 'dbClusterInstanceClass' | 'storageType' | 'iops' | 'allocatedStorage'> {
  const instanceClass = str(input, 'DBClusterInstanceClass')
  if (instanceClass === undefined) {
    throw invalidValue('DBClusterInstanceClass is required to restore a Multi-AZ DB cluster.')
  }
  const storageType = str(input, 'StorageType')
  const iops = num(input, 'Iops')
  // RestoreDBClusterFromSnapshot StorageType: "When specified for a Multi-AZ DB cluster, a value
  // for the Iops parameter is required."
  if (storageType !== undefined && iops === undefined) {
    throw invalidCombination(
      `Iops is required when StorageType (${storageType}) is specified for a Multi-AZ DB cluster.`,
    )
  }
  return {
    dbClusterInstanceClass: instanceClass,
    storageType: storageType ?? snap.storageType ?? 'io1',
    iops: iops ?? snap.iops,
    allocatedStorage: snap.allocatedStorage,
  }
}

function restoreKey(
  store: RdsStore,
  caller: string,
  snap: ClusterSnapshotRecord | SnapshotRecord,
  keyRef: string | undefined,
): string | undefined {
  if (snap.encrypted && snap.kmsKeyArn && snap.account !== caller) {
    checkSourceKey(store, caller, snap.kmsKeyArn)
  }
  if (keyRef !== undefined) return usableKey(store, caller, keyRef).arn
  return snap.encrypted ? snap.kmsKeyArn : undefined
}

/** A Multi-AZ DB cluster comes with a writer and two readable standbys. */
function addMultiAzMembers(
  store: RdsStore,
  cluster: ClusterRecord,
  seconds: number,
  final: string,
): void {
  for (const n of [1, 2, 3]) {
    const member = instanceRecord(store, {
      account: cluster.account,
      identifier: `${cluster.identifier}-instance-${n}`,
      status: 'creating',
      clusterIdentifier: cluster.identifier,
      instanceClass: cluster.dbClusterInstanceClass as string,
      engine: cluster.engine,
      engineVersion: cluster.engineVersion,
      masterUsername: cluster.masterUsername,
      allocatedStorage: cluster.allocatedStorage,
      storageType: cluster.storageType,
      iops: cluster.iops,
      subnetGroup: cluster.subnetGroup,
      securityGroupIds: cluster.securityGroupIds,
      parameterGroup: `default.${parameterFamily(cluster.engine, cluster.engineVersion)}`,
      storageEncrypted: cluster.storageEncrypted,
      kmsKeyArn: cluster.kmsKeyArn,
      isWriter: n === 1,
      tags: cluster.tags.map((t) => ({ ...t })),
    })
    store.add(member)
    store.schedule(member, creation(store, seconds, final))
  }
}

function modifyCluster(store: RdsStore, ctx: CallContext): ClusterRecord {
  const input = ctx.input
  const cluster = findCluster(store, ctx.account, str(input, 'DBClusterIdentifier') as string)
  if (!MODIFIABLE.has(cluster.status)) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DBCluster ${cluster.identifier} is not in available state (status: ${cluster.status}).`,
      400,
    )
  }
  const password = str(input, 'MasterUserPassword')
  const manage = bool(input, 'ManageMasterUserPassword')
  if (password !== undefined && manage === true) {
    throw invalidCombination(
      'You cannot specify both MasterUserPassword and ManageMasterUserPassword.',
    )
  }
  if (password !== undefined && cluster.masterUserSecret && manage !== false) {
    throw invalidCombination(
      'You cannot specify MasterUserPassword for a DB cluster whose master user password is managed in Secrets Manager. Set ManageMasterUserPassword to false to specify a password.',
    )
  }
  if (manage === false && cluster.masterUserSecret && password === undefined) {
    throw invalidCombination(
      'You must specify MasterUserPassword when turning off ManageMasterUserPassword.',
    )
  }
  if (password !== undefined) checkPassword(password)
  const serverlessV2 = scalingConfig(input)
  const newId = str(input, 'NewDBClusterIdentifier')
  const applyNow = bool(input, 'ApplyImmediately') === true
  if (newId !== undefined && newId !== cluster.identifier) checkRename(store, ctx, cluster, newId)

  if (serverlessV2) cluster.serverlessV2 = serverlessV2
  const protection = bool(input, 'DeletionProtection')
  if (protection !== undefined) cluster.deletionProtection = protection

  const seconds = store.env.scenario.durations.clusterModify
  const end = store.after(seconds)
  let status: string | undefined
  const atEnd: (() => void)[] = []
  if (password !== undefined) {
    // Shown in PendingModifiedValues until the change is applied, as for DB instances.
    cluster.pending.MasterUserPassword = '****'
    atEnd.push(() => {
      cluster.passwordFingerprint = fingerprint(password)
      delete cluster.pending.MasterUserPassword
    })
    if (manage === false) cluster.masterUserSecret = undefined
    status = 'resetting-master-credentials'
  }
  if (manage === true && !cluster.masterUserSecret) {
    const { secret, activate } = newManagedSecret(store, {
      caller: ctx.account,
      kind: 'cluster',
      input,
    })
    cluster.masterUserSecret = secret
    atEnd.push(activate)
    status ??= 'modifying'
  }
  const transitions = []
  if (newId !== undefined && newId !== cluster.identifier) {
    if (applyNow) {
      leaveGhost(store, cluster, {
        shape: clusterShape(store, cluster),
        leavesAt: store.after(seconds / 2),
      })
      cluster.renamingTo = newId
      status = 'renaming'
      transitions.push({
        at: store.after(seconds / 2),
        status: 'renaming',
        effect: () => renameCluster(store, cluster, newId),
      })
    } else {
      cluster.pending.DBClusterIdentifier = newId
    }
  }
  if (status !== undefined) {
    transitions.push({ at: end, status: 'available', effect: () => atEnd.forEach((f) => f()) })
    store.setStatus(cluster, status, transitions)
  }
  return cluster
}

function checkRename(
  store: RdsStore,
  ctx: CallContext,
  cluster: ClusterRecord,
  newId: string,
): void {
  const arn = store.arnOf(cluster)
  const accounts = new Set([...store.env.accounts.keys(), ...store.accountIds()])
  if ([...accounts].some((a) => a !== ctx.account && store.ram.isSharedWith(arn, a))) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${cluster.identifier} is shared with other AWS accounts and can't be renamed.`,
      400,
    )
  }
  checkClusterNameFree(store, ctx.account, newId)
}

function renameCluster(store: RdsStore, cluster: ClusterRecord, newId: string): void {
  const old = cluster.identifier
  store.rename(cluster, newId)
  cluster.renamingTo = undefined
  for (const instance of store.account(cluster.account).instances.values()) {
    if (instance.clusterIdentifier === old) instance.clusterIdentifier = newId
  }
}

const DELETABLE = new Set([
  'available',
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'cloning-failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
])

function deleteCluster(store: RdsStore, ctx: CallContext): ClusterRecord {
  const input = ctx.input
  const cluster = findCluster(store, ctx.account, str(input, 'DBClusterIdentifier') as string)
  const skip = bool(input, 'SkipFinalSnapshot') === true
  const finalId = str(input, 'FinalDBSnapshotIdentifier')
  if (cluster.deletionProtection) {
    throw invalidCombination(
      'Cannot delete protected Cluster, please disable deletion protection and try again.',
    )
  }
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
  if (cluster.status === 'stopped') {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${cluster.identifier} is stopped and can't be deleted. Start the DB cluster first.`,
      400,
    )
  }
  if (!DELETABLE.has(cluster.status)) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${cluster.identifier} is in ${cluster.status} state and can't be deleted.`,
      400,
    )
  }
  const members = [...store.account(ctx.account).instances.values()].filter(
    (i) => i.clusterIdentifier === cluster.identifier,
  )
  if (isAurora(cluster.engine) && members.some((m) => m.status !== 'deleting')) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
      400,
    )
  }
  if (finalId !== undefined) {
    newClusterSnapshot(store, { ctx, cluster, identifier: finalId, tags: [] as Tag[] })
  }
  const seconds = store.env.scenario.durations.clusterDelete
  if (!isAurora(cluster.engine)) {
    for (const member of members) store.setStatus(member, 'deleting', deletion(store, seconds))
  }
  store.setStatus(cluster, 'deleting', deletion(store, seconds))
  return cluster
}
