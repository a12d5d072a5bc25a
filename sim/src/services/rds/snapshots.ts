/** DB cluster snapshots and DB snapshots: create, copy, share (restore attribute), describe, delete. */
import { AwsError } from '../../core/types.ts'
import type { CallContext, OperationHandler } from '../../core/types.ts'
import {
  bool,
  checkSourceKey,
  clusterSnapshotNotFound,
  filters,
  findCluster,
  findClusterSnapshot,
  findSnapshot,
  instanceNotFound,
  invalidCombination,
  invalidValue,
  isAwsManaged,
  mergeTags,
  page,
  sharedTo,
  snapshotNotFound,
  str,
  strList,
  tagsOf,
  usableKey,
} from './common.ts'
import { snapshotCompletion, deletion } from './lifecycle.ts'
import { clusterSnapshotShape, snapshotShape } from './present.ts'
import { enginePort, isAurora } from './records.ts'
import type {
  ClusterRecord,
  ClusterSnapshotRecord,
  InstanceRecord,
  SnapshotRecord,
  Tag,
} from './records.ts'
import type { AccountState, RdsStore } from './store.ts'

/** Accounts one manual snapshot can be shared with. [RUG-USER_ShareSnapshot] */
export const SHARE_LIMIT = 20

type AnySnapshot = ClusterSnapshotRecord | SnapshotRecord

/** The members every new manual snapshot sets the same way, whatever its kind. */
type SnapshotRecordCommon = Pick<
  AnySnapshot,
  | 'type'
  | 'account'
  | 'identifier'
  | 'status'
  | 'transitions'
  | 'snapshotType'
  | 'createdAt'
  | 'progressStart'
  | 'progressEnd'
  | 'sharedWith'
  | 'tags'
>

/** What differs between the two snapshot kinds; the rules are the same. */
interface SnapshotKind<R extends AnySnapshot> {
  readonly type: R['type']
  readonly label: string
  readonly idMember: string
  readonly map: (acct: AccountState) => Map<string, R>
  readonly find: (store: RdsStore, caller: string, ref: string) => R
  readonly notFound: (id: string) => AwsError
  readonly alreadyExists: (id: string) => AwsError
  readonly invalidState: (message: string) => AwsError
  readonly shape: (store: RdsStore, s: R, caller: string) => Record<string, unknown>
}

const CLUSTER_SNAPSHOT: SnapshotKind<ClusterSnapshotRecord> = {
  type: 'db-cluster-snapshot',
  label: 'DB cluster snapshot',
  idMember: 'DBClusterSnapshotIdentifier',
  map: (acct) => acct.clusterSnapshots,
  find: findClusterSnapshot,
  notFound: clusterSnapshotNotFound,
  alreadyExists: (id) =>
    new AwsError(
      'DBClusterSnapshotAlreadyExistsFault',
      `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
      400,
    ),
  invalidState: (m) => new AwsError('InvalidDBClusterSnapshotStateFault', m, 400),
  shape: clusterSnapshotShape,
}

const DB_SNAPSHOT: SnapshotKind<SnapshotRecord> = {
  type: 'db-snapshot',
  label: 'DB snapshot',
  idMember: 'DBSnapshotIdentifier',
  map: (acct) => acct.snapshots,
  find: findSnapshot,
  notFound: (id) => snapshotNotFound(id),
  alreadyExists: (id) =>
    new AwsError(
      'DBSnapshotAlreadyExists',
      `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
      400,
    ),
  invalidState: (m) => new AwsError('InvalidDBSnapshotState', m, 400),
  shape: snapshotShape,
}

export function snapshotHandlers(store: RdsStore): Record<string, OperationHandler> {
  return {
    CreateDBClusterSnapshot: (ctx) => ({ DBClusterSnapshot: createClusterSnapshot(store, ctx) }),
    CreateDBSnapshot: (ctx) => ({ DBSnapshot: createDbSnapshot(store, ctx) }),
    CopyDBClusterSnapshot: (ctx) => ({
      DBClusterSnapshot: copySnapshot(store, ctx, CLUSTER_SNAPSHOT),
    }),
    CopyDBSnapshot: (ctx) => ({ DBSnapshot: copySnapshot(store, ctx, DB_SNAPSHOT) }),
    ModifyDBClusterSnapshotAttribute: (ctx) => ({
      DBClusterSnapshotAttributesResult: clusterAttributes(
        modifyAttribute(store, ctx, CLUSTER_SNAPSHOT),
      ),
    }),
    ModifyDBSnapshotAttribute: (ctx) => ({
      DBSnapshotAttributesResult: dbAttributes(modifyAttribute(store, ctx, DB_SNAPSHOT)),
    }),
    DescribeDBClusterSnapshotAttributes: (ctx) => ({
      DBClusterSnapshotAttributesResult: clusterAttributes(
        ownSnapshot(store, ctx, CLUSTER_SNAPSHOT),
      ),
    }),
    DescribeDBSnapshotAttributes: (ctx) => ({
      DBSnapshotAttributesResult: dbAttributes(ownSnapshot(store, ctx, DB_SNAPSHOT)),
    }),
    DescribeDBClusterSnapshots: (ctx) => {
      const { items, Marker } = describe(
        store,
        ctx,
        CLUSTER_SNAPSHOT,
        'DBClusterIdentifier',
        (s) => s.clusterIdentifier,
      )
      return { DBClusterSnapshots: items, Marker }
    },
    DescribeDBSnapshots: (ctx) => {
      const { items, Marker } = describe(
        store,
        ctx,
        DB_SNAPSHOT,
        'DBInstanceIdentifier',
        (s) => s.instanceIdentifier,
      )
      return { DBSnapshots: items, Marker }
    },
    DeleteDBClusterSnapshot: (ctx) => ({
      DBClusterSnapshot: deleteSnapshot(store, ctx, CLUSTER_SNAPSHOT),
    }),
    DeleteDBSnapshot: (ctx) => ({ DBSnapshot: deleteSnapshot(store, ctx, DB_SNAPSHOT) }),
  }
}

/** The `restore` attribute as DescribeDB*SnapshotAttributes shows it. */
export function restoreAttribute(
  s: AnySnapshot,
): { AttributeName: string; AttributeValues: string[] }[] {
  return [{ AttributeName: 'restore', AttributeValues: [...s.sharedWith] }]
}

function clusterAttributes(s: AnySnapshot): Record<string, unknown> {
  return {
    DBClusterSnapshotIdentifier: s.identifier,
    DBClusterSnapshotAttributes: restoreAttribute(s),
  }
}

function dbAttributes(s: AnySnapshot): Record<string, unknown> {
  return { DBSnapshotIdentifier: s.identifier, DBSnapshotAttributes: restoreAttribute(s) }
}

function checkSnapshotRoom<R extends AnySnapshot>(
  store: RdsStore,
  account: string,
  id: string,
  kind: SnapshotKind<R>,
): void {
  if (kind.map(store.account(account)).has(id)) throw kind.alreadyExists(id)
  const quotas = store.account(account).quotas
  const limit = kind.type === 'db-snapshot' ? quotas.manualSnapshots : quotas.manualClusterSnapshots
  if (store.manualSnapshotCount(account, kind.type) >= limit) {
    throw new AwsError(
      'SnapshotQuotaExceeded',
      kind.type === 'db-snapshot'
        ? `Cannot create more than ${limit} manual snapshots`
        : `Cannot create more than ${limit} manual DB cluster snapshots`,
      400,
    )
  }
}

function snapshotWindow(
  store: RdsStore,
  seconds: number,
): { progressStart: number; progressEnd: number } {
  return { progressStart: store.now(), progressEnd: store.after(seconds) }
}

export interface NewClusterSnapshot {
  readonly ctx: CallContext
  readonly cluster: ClusterRecord
  readonly identifier: string
  readonly tags: Tag[]
}

/** Starts a manual cluster snapshot (CreateDBClusterSnapshot, DeleteDBCluster's final snapshot). */
export function newClusterSnapshot(
  store: RdsStore,
  spec: NewClusterSnapshot,
): ClusterSnapshotRecord {
  return startManualSnapshot(store, spec, CLUSTER_SNAPSHOT, {
    fields: clusterSnapshotFields(spec.cluster),
    seconds: store.env.scenario.durations.clusterSnapshotCreate,
  })
}

/**
 * A manual snapshot of either kind: checked for room, recorded `creating`, and scheduled to
 * finish after `seconds` (or in the scenario's failure status for this operation).
 */
function startManualSnapshot<R extends AnySnapshot>(
  store: RdsStore,
  spec: { ctx: CallContext; identifier: string; tags: Tag[] },
  kind: SnapshotKind<R>,
  source: { fields: Omit<R, keyof SnapshotRecordCommon>; seconds: number },
): R {
  const { ctx, identifier } = spec
  checkSnapshotRoom(store, ctx.account, identifier, kind)
  const snapshot = {
    ...source.fields,
    type: kind.type,
    account: ctx.account,
    identifier,
    status: 'creating',
    transitions: [],
    snapshotType: 'manual',
    createdAt: store.now(),
    ...snapshotWindow(store, source.seconds),
    sharedWith: [],
    tags: spec.tags,
  } as unknown as R
  store.add(snapshot)
  store.schedule(
    snapshot,
    snapshotCompletion(store, source.seconds, store.finalStatus(ctx.operation, identifier)),
  )
  return snapshot
}

/** The fields a cluster snapshot records of its cluster. */
export function clusterSnapshotFields(
  cluster: ClusterRecord,
): Omit<ClusterSnapshotRecord, keyof SnapshotRecordCommon> {
  return {
    clusterIdentifier: cluster.identifier,
    clusterCreateTime: cluster.createdAt,
    engine: cluster.engine,
    engineVersion: cluster.engineVersion,
    masterUsername: cluster.masterUsername,
    port: enginePort(cluster.engine),
    allocatedStorage: cluster.allocatedStorage ?? 1,
    storageType: cluster.storageType ?? (isAurora(cluster.engine) ? 'aurora' : undefined),
    iops: cluster.iops,
    encrypted: cluster.storageEncrypted,
    kmsKeyArn: cluster.kmsKeyArn,
    sourceInstanceClass: cluster.dbClusterInstanceClass,
    sourceResourceId: cluster.resourceId,
  }
}

/** The fields a DB snapshot records of its instance. */
export function snapshotFields(
  instance: InstanceRecord,
): Omit<SnapshotRecord, keyof SnapshotRecordCommon> {
  return {
    instanceIdentifier: instance.identifier,
    instanceCreateTime: instance.createdAt,
    engine: instance.engine,
    engineVersion: instance.engineVersion,
    masterUsername: instance.masterUsername,
    port: enginePort(instance.engine),
    allocatedStorage: instance.allocatedStorage,
    storageType: instance.storageType,
    iops: instance.iops,
    encrypted: instance.storageEncrypted,
    kmsKeyArn: instance.kmsKeyArn,
    sourceInstanceClass: instance.instanceClass,
    sourceResourceId: instance.resourceId,
  }
}

function createClusterSnapshot(store: RdsStore, ctx: CallContext): Record<string, unknown> {
  const cluster = findCluster(store, ctx.account, str(ctx.input, 'DBClusterIdentifier') as string)
  if (cluster.status !== 'available') {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `Cannot create a snapshot because the DB cluster ${cluster.identifier} is not in available state (status: ${cluster.status}).`,
      400,
    )
  }
  const identifier = str(ctx.input, 'DBClusterSnapshotIdentifier') as string
  const snapshot = newClusterSnapshot(store, { ctx, cluster, identifier, tags: tagsOf(ctx.input) })
  return clusterSnapshotShape(store, snapshot, ctx.account)
}

/** Starts a manual DB snapshot (CreateDBSnapshot, DeleteDBInstance's final snapshot). */
export function newDbSnapshot(
  store: RdsStore,
  spec: { ctx: CallContext; instance: InstanceRecord; identifier: string; tags: Tag[] },
): SnapshotRecord {
  return startManualSnapshot(store, spec, DB_SNAPSHOT, {
    fields: snapshotFields(spec.instance),
    seconds: store.env.scenario.durations.snapshotCreate,
  })
}

function createDbSnapshot(store: RdsStore, ctx: CallContext): Record<string, unknown> {
  const id = str(ctx.input, 'DBInstanceIdentifier') as string
  const instance = store.account(ctx.account).instances.get(id)
  if (!instance) throw instanceNotFound(id)
  if (instance.clusterIdentifier !== undefined) {
    throw new AwsError(
      'InvalidDBInstanceState',
      `The specified instance ${id} is a member of a cluster and a snapshot cannot be created directly. Please use the CreateDBClusterSnapshot API instead.`,
      400,
    )
  }
  if (!['available', 'storage-optimization'].includes(instance.status)) {
    throw new AwsError(
      'InvalidDBInstanceState',
      `DB instance ${id} is not in available or storage-optimization state (status: ${instance.status}).`,
      400,
    )
  }
  const identifier = str(ctx.input, 'DBSnapshotIdentifier') as string
  const snapshot = newDbSnapshot(store, { ctx, instance, identifier, tags: tagsOf(ctx.input) })
  return snapshotShape(store, snapshot, ctx.account)
}

function copySnapshot<R extends AnySnapshot>(
  store: RdsStore,
  ctx: CallContext,
  kind: SnapshotKind<R>,
): Record<string, unknown> {
  const input = ctx.input
  const caller = ctx.account
  const clusterKind = kind.type === 'db-cluster-snapshot'
  const prefix = clusterKind ? 'SourceDBClusterSnapshotIdentifier' : 'SourceDBSnapshotIdentifier'
  const source = kind.find(store, caller, str(input, prefix) as string)
  const targetId = str(
    input,
    clusterKind ? 'TargetDBClusterSnapshotIdentifier' : 'TargetDBSnapshotIdentifier',
  ) as string
  if (clusterKind && !isAurora(source.engine)) {
    throw invalidValue(
      `Copying a snapshot of a Multi-AZ DB cluster isn't supported: ${source.identifier} is a Multi-AZ DB cluster snapshot (${source.engine}). Restore it to a DB instance and copy a snapshot of that instance instead.`,
    )
  }
  if (source.status !== 'available') {
    throw kind.invalidState(
      `${kind.label} ${source.identifier} is not in available state (status: ${source.status}).`,
    )
  }
  const kmsKeyArn = copyKey(store, caller, source, str(input, 'KmsKeyId'), clusterKind)
  checkSnapshotRoom(store, caller, targetId, kind)
  const seconds = clusterKind
    ? store.env.scenario.durations.clusterSnapshotCopy
    : store.env.scenario.durations.snapshotCopy
  const tags = bool(input, 'CopyTags') ? mergeTags(source.tags, tagsOf(input)) : tagsOf(input)
  const copy = {
    ...source,
    account: caller,
    identifier: targetId,
    status: 'copying',
    transitions: [],
    snapshotType: 'manual' as const,
    createdAt: store.now(),
    ...snapshotWindow(store, seconds),
    sharedWith: [],
    sourceSnapshotArn: store.arnOf(source),
    encrypted: kmsKeyArn !== undefined,
    kmsKeyArn,
    tags,
  } as R
  store.add(copy)
  store.schedule(
    copy,
    snapshotCompletion(store, seconds, store.finalStatus(ctx.operation, targetId)),
  )
  return kind.shape(store, copy, caller)
}

/** The copy's key: KmsKeyId is required for a shared encrypted snapshot. [M-RDS] */
function copyKey(
  store: RdsStore,
  caller: string,
  source: AnySnapshot,
  keyRef: string | undefined,
  clusterKind: boolean,
): string | undefined {
  if (!source.encrypted || !source.kmsKeyArn) {
    if (keyRef === undefined) return undefined
    if (clusterKind) {
      throw invalidCombination(
        `The source DB cluster snapshot ${source.identifier} isn't encrypted: KmsKeyId can't be specified when copying an unencrypted DB cluster snapshot.`,
      )
    }
    return usableKey(store, caller, keyRef).arn
  }
  if (source.account !== caller) {
    if (keyRef === undefined) {
      throw invalidValue(
        `KmsKeyId is required to copy the encrypted snapshot ${store.arnOf(source)} shared from account ${source.account}.`,
      )
    }
    checkSourceKey(store, caller, source.kmsKeyArn)
  }
  return keyRef === undefined ? source.kmsKeyArn : usableKey(store, caller, keyRef).arn
}

function ownSnapshot<R extends AnySnapshot>(
  store: RdsStore,
  ctx: CallContext,
  kind: SnapshotKind<R>,
): R {
  const ref = str(ctx.input, kind.idMember) as string
  const snapshot = kind.find(store, ctx.account, ref)
  if (snapshot.account !== ctx.account) throw kind.notFound(ref)
  return snapshot
}

function modifyAttribute<R extends AnySnapshot>(
  store: RdsStore,
  ctx: CallContext,
  kind: SnapshotKind<R>,
): R {
  const snapshot = ownSnapshot(store, ctx, kind)
  const name = str(ctx.input, 'AttributeName')
  if (name !== 'restore') {
    throw invalidValue(`Invalid attribute name: ${name}. The only supported attribute is restore.`)
  }
  const add = strList(ctx.input, 'ValuesToAdd') ?? []
  const remove = strList(ctx.input, 'ValuesToRemove') ?? []
  for (const value of [...add, ...remove]) {
    if (value !== 'all' && !/^\d{12}$/.test(value)) {
      throw invalidValue(`Invalid account id: ${value}. Specify 12-digit AWS account IDs or all.`)
    }
  }
  if (snapshot.status !== 'available') {
    throw kind.invalidState(
      `${kind.label} ${snapshot.identifier} is not in available state (status: ${snapshot.status}).`,
    )
  }
  if (add.length > 0) checkShareable(store, snapshot, add, kind)
  const next = [...new Set([...snapshot.sharedWith, ...add])].filter((v) => !remove.includes(v))
  if (next.filter((v) => v !== 'all').length > SHARE_LIMIT) {
    throw new AwsError(
      'SharedSnapshotQuotaExceeded',
      `You can share a manual snapshot with at most ${SHARE_LIMIT} AWS accounts.`,
      400,
    )
  }
  snapshot.sharedWith = next
  return snapshot
}

function checkShareable<R extends AnySnapshot>(
  store: RdsStore,
  snapshot: R,
  add: string[],
  kind: SnapshotKind<R>,
): void {
  const multiAzSharing = store.env.scenario.multiAzSnapshotSharing
  if (
    kind.type === 'db-cluster-snapshot' &&
    !isAurora(snapshot.engine) &&
    multiAzSharing === 'refused'
  ) {
    throw invalidValue(
      `Sharing a snapshot of a Multi-AZ DB cluster isn't supported: ${snapshot.identifier}.`,
    )
  }
  if (snapshot.encrypted && add.includes('all')) {
    throw invalidValue(`Encrypted snapshots can't be shared publicly: ${snapshot.identifier}.`)
  }
  if (
    snapshot.encrypted &&
    snapshot.kmsKeyArn &&
    isAwsManaged(store, snapshot.account, snapshot.kmsKeyArn)
  ) {
    throw invalidValue(
      `You can't share a snapshot that is encrypted using the default AWS managed KMS key (aws/rds) of the account that owns it: ${snapshot.identifier}. Copy the snapshot with a customer managed key and share the copy.`,
    )
  }
}

function describe<R extends AnySnapshot>(
  store: RdsStore,
  ctx: CallContext,
  kind: SnapshotKind<R>,
  sourceMember: string,
  sourceOf: (s: R) => string,
): { items: Record<string, unknown>[]; Marker?: string } {
  const input = ctx.input
  const caller = ctx.account
  const clusterKind = kind.type === 'db-cluster-snapshot'
  const wanted = filters(
    input,
    clusterKind
      ? ['db-cluster-id', 'db-cluster-snapshot-id', 'snapshot-type', 'engine']
      : ['db-instance-id', 'db-snapshot-id', 'dbi-resource-id', 'snapshot-type', 'engine'],
  )
  const idRef = str(input, kind.idMember)
  let list: R[]
  if (idRef !== undefined) {
    list = [kind.find(store, caller, idRef)]
  } else {
    const type = str(input, 'SnapshotType') ?? wanted.get('snapshot-type')?.[0]
    const own = [...kind.map(store.account(caller)).values()].filter(
      (s) => !type || s.snapshotType === type,
    )
    const includeShared =
      type === 'shared' || (type === undefined && bool(input, 'IncludeShared') === true)
    const shared = includeShared
      ? store
          .accountIds()
          .filter((a) => a !== caller)
          .flatMap((a) => [...kind.map(store.account(a)).values()])
          .filter((s) => sharedTo(s, caller))
      : []
    list = type === 'shared' ? shared : [...own, ...shared]
  }
  const source = str(input, sourceMember)
  const sourceIds = wanted.get(clusterKind ? 'db-cluster-id' : 'db-instance-id')
  const snapshotIds = wanted.get(clusterKind ? 'db-cluster-snapshot-id' : 'db-snapshot-id')
  const resourceIds = wanted.get('dbi-resource-id')
  const resourceId = str(input, 'DbiResourceId')
  const types = wanted.get('snapshot-type')
  const engines = wanted.get('engine')
  const sourceArn = (s: R): string =>
    store.arn(clusterKind ? 'db-cluster' : 'db-instance', s.account, sourceOf(s))
  list = list.filter(
    (s) =>
      (source === undefined || sourceOf(s) === source || sourceArn(s) === source) &&
      (!sourceIds || sourceIds.includes(sourceOf(s)) || sourceIds.includes(sourceArn(s))) &&
      (!snapshotIds ||
        snapshotIds.includes(s.identifier) ||
        snapshotIds.includes(store.arnOf(s))) &&
      (!resourceIds || resourceIds.includes(s.sourceResourceId ?? '')) &&
      (resourceId === undefined || s.sourceResourceId === resourceId) &&
      (!types || types.includes(s.account === caller ? s.snapshotType : 'shared')) &&
      (!engines || engines.includes(s.engine)),
  )
  const { items, Marker } = page(list, input)
  return { items: items.map((s) => kind.shape(store, s, caller)), Marker }
}

function deleteSnapshot<R extends AnySnapshot>(
  store: RdsStore,
  ctx: CallContext,
  kind: SnapshotKind<R>,
): Record<string, unknown> {
  const snapshot = ownSnapshot(store, ctx, kind)
  if (!['available', 'copying'].includes(snapshot.status)) {
    throw kind.invalidState(
      `${kind.label} ${snapshot.identifier} is not in available or copying state (status: ${snapshot.status}).`,
    )
  }
  store.setStatus(
    snapshot,
    'deleting',
    deletion(store, store.env.scenario.durations.snapshotDelete),
  )
  return kind.shape(store, snapshot, ctx.account)
}
