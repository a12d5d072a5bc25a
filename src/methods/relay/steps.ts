import type { RestoreDBClusterFromSnapshotCommandInput } from '@aws-sdk/client-rds'
import { keyArnOf } from '../../aws/kms.js'
import { describeProof, type Proof } from '../../aws/ownership.js'
import { removalCommand, removeResource } from '../../cleanup.js'
import type { CreatedResource, Disposal, Step, StepRuntime } from '../../engine/types.js'
import { awsErrorCode, errorMessage } from '../../errors.js'
import type { Phase } from '../../settings.js'
import { Purpose } from '../../tags.js'
import { runOf, sessionFor, tagsFor, type RefreshContext } from '../common/context.js'
import { provision } from '../common/provision.js'
import { handoffSnapshotName } from './names.js'
import { accountFromArn, rdsResourceId } from '../../aws/arn.js'
import { restoreClusterFromSnapshot } from '../../aws/rds-databases.js'
import { snapshotApi, type SnapshotApi, type SnapshotType } from '../../aws/rds-snapshots.js'
import { waitForKind } from '../common/waits.js'
import { clusterPlacementMembers, resolvePlacement } from '../common/preflight/index.js'

/**
 * Steps every relay shares: the source cluster snapshot, the share, the destination's copy, and
 * the removal of intermediates. Plans (relay-multiaz.ts, relay-aurora.ts, relay-instance.ts)
 * compose them with their own restore steps.
 */

/** A step and the phases it belongs to (`phase: source` stops after sharing). */
export interface RelayStep extends Step<RefreshContext> {
  readonly phases: readonly Phase[]
}

export const SOURCE_PHASES: readonly Phase[] = ['all', 'source']
export const DESTINATION_PHASES: readonly Phase[] = ['all', 'destination']

/**
 * Whether this job holds credentials for the account that owns the shared snapshot, so it can
 * withdraw the share and delete the snapshot. A destination-phase job does only when both roles
 * are given (credentials.ts credentialSettings); otherwise the hand-off stays, recorded as kept.
 */
export function ownsSharedSnapshot(ctx: RefreshContext): boolean {
  if (ctx.settings.phase !== 'destination') return true
  return accountFromArn(ctx.settings.snapshotArn ?? '') === ctx.source.accountId
}

/** Intermediate snapshots are kept on request; everything else temporary goes. */
export function snapshotDisposal(ctx: RefreshContext): Disposal {
  return ctx.settings.keepSnapshots ? 'kept' : 'temporary'
}

/**
 * The snapshot handed to the destination outlives a source-phase job that succeeds (the
 * destination job needs it), and goes when that job fails or is cancelled; in one job it is an
 * intermediate like the others.
 */
export function handoffDisposal(ctx: RefreshContext): Disposal {
  return ctx.settings.phase === 'source' ? 'handoff' : snapshotDisposal(ctx)
}

/** What the shared snapshot is for: the hand-off of a source-phase job, else like the others. */
function handoffPurpose(ctx: RefreshContext): Purpose {
  return ctx.settings.phase === 'source' ? Purpose.handoff : snapshotPurpose(ctx)
}

/** A relay snapshot is an intermediate, or kept on request (so `sweep` leaves it until it expires). */
export function snapshotPurpose(ctx: RefreshContext): Purpose {
  return ctx.settings.keepSnapshots ? Purpose.kept : Purpose.intermediate
}

/**
 * The proof a removal of the shared snapshot (or its share) needs: in a destination-phase job it
 * was made by the source-phase job, so it must be the hand-off for this target; otherwise this
 * run made it.
 */
function sharedSnapshotProof(ctx: RefreshContext): Proof {
  return ctx.settings.phase === 'destination' ? 'handoff' : 'run'
}

/**
 * Remove an intermediate once nothing reads it, wait until AWS no longer lists it, and drop it
 * from the ledger. Only what the proof covers is touched: this run's own intermediates, or (proof
 * `handoff`) the snapshot a source-phase job made for this target; anything else is used and left
 * alone, and the log and summary say so. A failed removal does not fail the run: the copy it
 * served is made or being made, and a failure here must never lead to its removal. It is a
 * warning naming the resource and its removal command; the post step tries again.
 */
export async function removeAndWait(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: { resource: CreatedResource; proof?: Proof; waitGone?: () => Promise<unknown> },
): Promise<'removed' | 'left'> {
  const { resource, proof } = target
  const session = sessionFor(ctx, resource.side)
  const label = `${resource.kind} ${resource.id}`
  try {
    const outcome = await removeResource(resource, session.clients, { run: runOf(ctx), proof })
    if (outcome.result === 'not-ours') {
      runtime.log.info(
        `${label} (${resource.side} account ${session.accountId}) is not ${describeProof(proof ?? 'run', runOf(ctx))} (${outcome.owner}): it is used and left alone`,
      )
      runtime.note(`left alone, not made by this run: ${resource.id}`)
      return 'left'
    }
    runtime.log.info(`deleting ${label}`)
    if (outcome.result === 'removed' && target.waitGone) await target.waitGone()
  } catch (error) {
    if (runtime.signal.aborted) throw error
    runtime.log.warning(
      `Could not remove ${label} (${resource.side} account ${session.accountId}): ${[awsErrorCode(error), errorMessage(error)].filter(Boolean).join(': ')}. The run goes on; the post step tries again. To remove it by hand: ${removalCommand(resource, ctx.settings.region)}`,
    )
    runtime.note(`left behind: ${resource.id}`)
    return 'left'
  }
  runtime.release(resource)
  return 'removed'
}

/** Step 1 of the Multi-AZ relay, and the first step of the Aurora relay. */
export function snapshotSourceClusterStep(options: {
  /** The Aurora relay shares this snapshot; the Multi-AZ relay only restores from it. */
  readonly handoff: boolean
}): RelayStep {
  return {
    name: 'snapshot-source-cluster',
    title: 'Snapshot the source cluster (CreateDBClusterSnapshot) and wait until available',
    side: 'source',
    phases: SOURCE_PHASES,
    after: ['preflight'],
    async run(ctx, runtime) {
      const id = ctx.names.sourceClusterSnapshot
      const arn = await takeSnapshot(ctx, runtime, {
        type: 'db-cluster-snapshot',
        sourceId: ctx.sourceDb.identifier,
        id,
        disposal: options.handoff ? handoffDisposal(ctx) : snapshotDisposal(ctx),
        purpose: options.handoff ? handoffPurpose(ctx) : snapshotPurpose(ctx),
      })
      if (options.handoff) ctx.values.sharedSnapshotArn.set(arn)
      runtime.note(id)
    },
  }
}

/** Snapshot a DB instance or DB cluster of the source account and wait for it; its ARN. */
async function takeSnapshot(
  ctx: RefreshContext,
  runtime: StepRuntime,
  snapshot: {
    readonly type: SnapshotType
    /** The DB instance or DB cluster. */
    readonly sourceId: string
    readonly id: string
    readonly disposal: Disposal
    readonly purpose: Purpose
  },
): Promise<string> {
  const { type, sourceId, id } = snapshot
  const { resource } = await provision({
    ctx,
    runtime,
    resource: { kind: type, side: 'source', id, disposal: snapshot.disposal },
    start: () =>
      snapshotApi(type).create(ctx.source.clients.rds, {
        sourceId,
        snapshotId: id,
        tags: tagsFor(ctx, snapshot.purpose),
      }),
  })
  return snapshotArnOf(resource) ?? id
}

/** Share the snapshot with the destination account (`restore` attribute). */
export function shareSnapshotStep(type: SnapshotType, after: readonly string[]): RelayStep {
  const api = snapshotApi(type)
  return {
    name: 'share-snapshot',
    title: `Share the ${api.label} with the destination account (${api.calls.share} restore)`,
    side: 'source',
    phases: SOURCE_PHASES,
    after,
    when: (ctx) => !ctx.sameAccount,
    async run(ctx, runtime) {
      const id = rdsResourceId(ctx.values.sharedSnapshotArn.get())
      const account = ctx.destination.accountId
      const share: CreatedResource = {
        kind: api.shareKind,
        side: 'source',
        id,
        // A source-phase job hands the share over; the destination job needs it after this job ends.
        disposal: ctx.settings.phase === 'source' ? 'handoff' : 'temporary',
        sharedWith: account,
      }
      runtime.record({ ...share, intent: true })
      await api.setShared(ctx.source.clients.rds, id, { account, shared: true })
      runtime.record(share)
      runtime.log.info(`${api.label} ${id} is shared with account ${account}`)
      runtime.note(`shared with ${account}`)
    },
  }
}

/**
 * Copy the shared snapshot into the destination account, re-encrypted with kms-key-id: AWS
 * restores neither a shared encrypted RDS snapshot nor one the source can still delete under
 * the copy. In one account no copy is needed unless kms-key-id asks for another key.
 */
export function copySnapshotStep(type: SnapshotType, after: readonly string[]): RelayStep {
  const api = snapshotApi(type)
  return {
    name: 'copy-snapshot',
    title: `Copy the shared ${api.label} into the destination account (${api.calls.copy}, destination KMS key)`,
    side: 'destination',
    phases: DESTINATION_PHASES,
    after,
    async run(ctx, runtime) {
      const sourceArn = ctx.values.sharedSnapshotArn.get()
      const rds = ctx.destination.clients.rds
      const shared = await api.find(rds, sourceArn)
      if (ctx.sameAccount && !(await needsReencryption(ctx, shared?.kmsKeyId))) {
        ctx.values.restoreFrom.set(sourceArn)
        runtime.log.info(
          'Same account and the same KMS key: the restore reads the snapshot itself, no copy needed',
        )
        runtime.note('not needed (same account)')
        return
      }
      const targetId = ctx.names.destinationSnapshot
      const encrypted = shared?.encrypted ?? true
      const { resource: copy } = await provision({
        ctx,
        runtime,
        resource: {
          kind: type,
          side: 'destination',
          id: targetId,
          disposal: snapshotDisposal(ctx),
        },
        start: () =>
          api.copy(rds, {
            sourceArn,
            targetId,
            // A cluster snapshot that is not encrypted cannot be copied with a key.
            kmsKeyId:
              type === 'db-cluster-snapshot' && !encrypted ? undefined : ctx.settings.kmsKeyId,
            tags: tagsFor(ctx, snapshotPurpose(ctx)),
          }),
      })
      ctx.values.destinationCopyId.set(targetId)
      ctx.values.restoreFrom.set(snapshotArnOf(copy) ?? targetId)
      runtime.note(targetId)
    },
  }
}

/** The ARN of a snapshot of either type, as AWS describes it. */
function snapshotArnOf(snapshot: {
  DBSnapshotArn?: string
  DBClusterSnapshotArn?: string
}): string | undefined {
  return snapshot.DBSnapshotArn ?? snapshot.DBClusterSnapshotArn
}

/** In one account, a copy is only worth making when kms-key-id names another key. */
async function needsReencryption(
  ctx: RefreshContext,
  snapshotKey: string | undefined,
): Promise<boolean> {
  const wanted = ctx.settings.kmsKeyId
  if (!wanted) return false
  if (!snapshotKey) return true
  if (wanted === snapshotKey) return false
  return (await keyArnOf(ctx.destination.clients.kms, wanted)) !== snapshotKey
}

/** Withdraw the share once the destination holds its own copy. */
export function unshareSnapshotStep(type: SnapshotType): RelayStep {
  const api = snapshotApi(type)
  return {
    name: 'unshare-snapshot',
    title: `Stop sharing the ${api.label} with the destination account`,
    side: 'source',
    phases: DESTINATION_PHASES,
    after: ['copy-snapshot'],
    when: (ctx) => !ctx.sameAccount && ownsSharedSnapshot(ctx),
    async run(ctx, runtime) {
      const id = rdsResourceId(ctx.values.sharedSnapshotArn.get())
      const resource: CreatedResource = {
        kind: api.shareKind,
        side: 'source',
        id,
        disposal: 'temporary',
        sharedWith: ctx.destination.accountId,
      }
      const done = await removeAndWait(ctx, runtime, { resource, proof: sharedSnapshotProof(ctx) })
      if (done === 'removed') runtime.note(`unshared from ${ctx.destination.accountId}`)
    },
  }
}

/** Delete the source account's shared snapshot once nothing reads it any more. */
export function deleteSharedSnapshotStep(type: SnapshotType, after: readonly string[]): RelayStep {
  const api = snapshotApi(type)
  return {
    name: 'delete-shared-snapshot',
    title: `Delete the source account's ${api.label} (unless keep-snapshots)`,
    side: 'source',
    phases: DESTINATION_PHASES,
    after,
    when: (ctx) => !ctx.settings.keepSnapshots && ownsSharedSnapshot(ctx),
    async run(ctx, runtime) {
      const id = rdsResourceId(ctx.values.sharedSnapshotArn.get())
      const done = await deleteSnapshot(ctx, runtime, {
        api,
        side: 'source',
        id,
        proof: sharedSnapshotProof(ctx),
      })
      if (done === 'removed') ctx.values.sharedSnapshotDeleted.set(true)
    },
  }
}

/** Delete the destination's copy once the restored database is available. */
export function deleteCopiedSnapshotStep(type: SnapshotType, after: readonly string[]): RelayStep {
  const api = snapshotApi(type)
  return {
    name: 'delete-copied-snapshot',
    title: `Delete the destination account's copy of the ${api.label} (unless keep-snapshots)`,
    side: 'destination',
    phases: DESTINATION_PHASES,
    after,
    when: (ctx) => !ctx.settings.keepSnapshots,
    async run(ctx, runtime) {
      const id = ctx.values.destinationCopyId.peek()
      if (id === undefined) {
        runtime.note('no copy was made')
        return
      }
      await deleteSnapshot(ctx, runtime, { api, side: 'destination', id })
    },
  }
}

export async function deleteSnapshot(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: { api: SnapshotApi; side: 'source' | 'destination'; id: string; proof?: Proof },
): Promise<'removed' | 'left'> {
  const { api, side, id, proof } = target
  const resource: CreatedResource = { kind: api.type, side, id, disposal: 'temporary' }
  const done = await removeAndWait(ctx, runtime, {
    resource,
    proof,
    waitGone: () => waitForKind(api.type, ctx, runtime, { side, id, until: 'gone' }),
  })
  if (done === 'removed') runtime.note(`deleted ${id}`)
  return done
}

/**
 * The DB snapshot that crosses accounts, taken of an instance (the source instance, or the
 * Multi-AZ relay's temporary one); its ARN is the hand-off to the share and copy steps.
 */
export function handoffSnapshotStep(options: {
  readonly name: string
  readonly title: string
  readonly after: readonly string[]
  readonly instanceId: (ctx: RefreshContext) => string
}): RelayStep {
  return {
    name: options.name,
    title: options.title,
    side: 'source',
    phases: SOURCE_PHASES,
    after: options.after,
    async run(ctx, runtime) {
      const id = handoffSnapshotName(ctx)
      const arn = await takeSnapshot(ctx, runtime, {
        type: 'db-snapshot',
        sourceId: options.instanceId(ctx),
        id,
        disposal: handoffDisposal(ctx),
        purpose: handoffPurpose(ctx),
      })
      ctx.values.sharedSnapshotArn.set(arn)
      runtime.note(id)
    },
  }
}

/** The copy as a DB cluster restored from the destination's snapshot (Aurora or Multi-AZ). */
export function restoreClusterStep(options: {
  readonly title: string
  readonly input: (
    ctx: RefreshContext,
    snapshotArn: string,
  ) => RestoreDBClusterFromSnapshotCommandInput
  readonly note?: (input: RestoreDBClusterFromSnapshotCommandInput) => string
}): RelayStep {
  return {
    name: 'restore-cluster',
    title: options.title,
    side: 'destination',
    phases: DESTINATION_PHASES,
    after: ['copy-snapshot'],
    async run(ctx, runtime) {
      const input = options.input(ctx, ctx.values.restoreFrom.get())
      await provision({
        ctx,
        runtime,
        resource: {
          kind: 'db-cluster',
          side: 'destination',
          id: ctx.names.target,
          disposal: 'copy',
        },
        start: () => restoreClusterFromSnapshot(ctx.destination.clients.rds, input),
      })
      if (options.note) runtime.note(options.note(input))
    },
  }
}

/**
 * What every relay's cluster restore of the copy sets alike. Engine and EngineVersion come from
 * the source (else AWS picks the Region's default version); the destination key re-encrypts an
 * encrypted snapshot.
 */
export function clusterRestoreInput(
  ctx: RefreshContext,
  snapshotArn: string,
): RestoreDBClusterFromSnapshotCommandInput {
  return {
    DBClusterIdentifier: ctx.names.target,
    SnapshotIdentifier: snapshotArn,
    Engine: ctx.sourceDb.engine,
    EngineVersion: ctx.sourceDb.engineVersion || undefined,
    ...clusterPlacementMembers(resolvePlacement(ctx)),
    KmsKeyId: ctx.sourceDb.encrypted ? ctx.settings.kmsKeyId : undefined,
    DeletionProtection: ctx.settings.deletionProtection,
    Tags: tagsFor(ctx, Purpose.copy),
  }
}

/** io1/io2 need Iops; gp3 takes its baseline unless the user asks (AWS refuses it on small gp3). */
export function isProvisionedIops(storageType: string | undefined): boolean {
  return storageType === 'io1' || storageType === 'io2'
}

/**
 * The Multi-AZ copy's storage: the inputs, else the source cluster's. RestoreDBClusterFromSnapshot
 * requires Iops whenever StorageType is given for a Multi-AZ DB cluster (its model documentation),
 * gp3 included, so the source's Iops goes with its storage type; a storage type whose Iops is
 * unknown is refused by the pre-flight (checkMultiAzStorage).
 */
export function multiAzStorage(ctx: Pick<RefreshContext, 'settings' | 'sourceDb'>): {
  storageType?: string
  iops?: number
} {
  const storageType = ctx.settings.storageType ?? ctx.sourceDb.cluster?.StorageType
  const iops = ctx.settings.iops ?? ctx.sourceDb.cluster?.Iops
  return storageType === undefined ? { iops: ctx.settings.iops } : { storageType, iops }
}
