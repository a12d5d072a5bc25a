import type {
  RestoreDBClusterFromSnapshotCommandInput,
  RestoreDBInstanceFromDBSnapshotCommandInput,
} from '@aws-sdk/client-rds'
import { restoreInstanceFromSnapshot } from '../../aws/rds-databases.js'
import { snapshotApi } from '../../aws/rds-snapshots.js'
import type { CreatedResource } from '../../engine/types.js'
import { ActionError } from '../../errors.js'
import { tagsFor, type RefreshContext } from '../common/context.js'
import { provision } from '../common/provision.js'
import { Purpose } from '../../tags.js'
import { describeCopyStep, passwordStep } from '../common/finish.js'
import { preflightStep } from './preflight.js'
import {
  clusterRestoreInput,
  copySnapshotStep,
  deleteCopiedSnapshotStep,
  deleteSharedSnapshotStep,
  deleteSnapshot,
  DESTINATION_PHASES,
  isProvisionedIops,
  multiAzStorage,
  handoffSnapshotStep,
  restoreClusterStep,
  removeAndWait,
  shareSnapshotStep,
  SOURCE_PHASES,
  unshareSnapshotStep,
  type RelayStep,
} from './steps.js'
import { waitForInstance } from '../common/waits.js'
import {
  clusterSnapshotStep,
  deleteSharedClusterSnapshotStep,
  onlyOn,
  restoreClusterDirectStep,
  shareClusterSnapshotStep,
  unshareClusterSnapshotStep,
} from './multiaz-direct.js'

/**
 * The Multi-AZ DB cluster relay's 7 steps. AWS does not copy a Multi-AZ DB cluster snapshot, and
 * may neither share it nor restore it shared (aws-reference B, UNCONFIRMED: the direct path of
 * multiaz-direct.ts tries that first), so here the data crosses as a DB snapshot of a temporary
 * Single-AZ instance:
 *
 *   1 snapshot-source-cluster → 2 restore-temp-instance → 3 snapshot-temp-instance →
 *   4 share-snapshot → 6 copy-snapshot → 7 restore-cluster → set-password → describe-copy
 *
 * and 5 delete-temp-instance starts right after 3, beside 4, 6 and 7. Intermediates are removed
 * as soon as nothing reads them (delete-cluster-snapshot, unshare-snapshot,
 * delete-shared-snapshot, delete-copied-snapshot).
 */
/** Step 3: the DB snapshot that crosses accounts; its name tells a destination job what it holds. */
const snapshotTempInstanceStep = handoffSnapshotStep({
  name: 'snapshot-temp-instance',
  title: 'Snapshot the temporary instance (CreateDBSnapshot) and wait until available',
  after: ['restore-temp-instance'],
  instanceId: (ctx) => ctx.names.tempInstance,
})

/** Step 7: the Multi-AZ DB cluster, restored from the destination's copy (by ARN). */
const restoreMultiAzClusterStep = restoreClusterStep({
  title: 'Restore the Multi-AZ DB cluster from the snapshot (RestoreDBClusterFromSnapshot)',
  input: (ctx, snapshotArn) => multiAzRestoreInput(ctx, snapshotArn),
  note: (input) => `${input.DBClusterInstanceClass}, ${input.StorageType ?? 'default storage'}`,
})

/**
 * Both paths in one plan (multiaz-direct.ts): the direct path's steps first; the 7 steps wait
 * for its outcome and run only if AWS refused it (or the path is seven-step), from the same
 * cluster snapshot. Whichever restore ran, the password and outputs follow it.
 */
export function multiAzRelaySteps(): RelayStep[] {
  const sevenStep = (step: RelayStep): RelayStep => onlyOn('seven-step', step)
  return [
    preflightStep(),
    clusterSnapshotStep(),
    shareClusterSnapshotStep(),
    restoreClusterDirectStep(multiAzRestoreInput),
    unshareClusterSnapshotStep(),
    deleteSharedClusterSnapshotStep(),
    sevenStep({
      ...restoreTempInstanceStep,
      after: ['snapshot-source-cluster', 'share-cluster-snapshot', 'restore-cluster-direct'],
    }),
    sevenStep({
      ...deleteClusterSnapshotStep,
      after: ['restore-temp-instance', 'unshare-cluster-snapshot'],
    }),
    sevenStep(snapshotTempInstanceStep),
    sevenStep(deleteTempInstanceStep),
    sevenStep(shareSnapshotStep('db-snapshot', ['snapshot-temp-instance'])),
    sevenStep(
      copySnapshotStep('db-snapshot', ['share-snapshot', 'snapshot-temp-instance', 'preflight']),
    ),
    sevenStep(restoreMultiAzClusterStep),
    { ...passwordStep(['restore-cluster', 'restore-cluster-direct']), phases: DESTINATION_PHASES },
    { ...describeCopyStep(['set-password']), phases: DESTINATION_PHASES },
    sevenStep(unshareSnapshotStep('db-snapshot')),
    sevenStep(deleteSharedSnapshotStep('db-snapshot', ['unshare-snapshot', 'restore-cluster'])),
    sevenStep(deleteCopiedSnapshotStep('db-snapshot', ['restore-cluster'])),
  ]
}

/** Step 2: a temporary Single-AZ instance restored from the cluster snapshot. */
const restoreTempInstanceStep: RelayStep = {
  name: 'restore-temp-instance',
  title:
    'Restore the cluster snapshot to a temporary Single-AZ DB instance (RestoreDBInstanceFromDBSnapshot)',
  side: 'source',
  phases: SOURCE_PHASES,
  after: ['snapshot-source-cluster'],
  async run(ctx, runtime) {
    const id = ctx.names.tempInstance
    const input = tempInstanceInput(ctx)
    await provision({
      ctx,
      runtime,
      resource: tempInstance(ctx),
      start: () => restoreInstanceFromSnapshot(ctx.source.clients.rds, input),
    })
    runtime.note(
      `${id} (${input.DBInstanceClass}, ${input.DBSubnetGroupName ?? 'default subnet group'})`,
    )
  },
}

function tempInstance(ctx: RefreshContext): CreatedResource & { kind: 'db-instance' } {
  return { kind: 'db-instance', side: 'source', id: ctx.names.tempInstance, disposal: 'temporary' }
}

/**
 * The temporary instance: Single-AZ, in the subnet group and security groups the user named for
 * it (default: the source cluster's), with the source's class and at least its storage.
 */
export function tempInstanceInput(
  ctx: RefreshContext,
): RestoreDBInstanceFromDBSnapshotCommandInput {
  const s = ctx.settings
  const cluster = ctx.sourceDb.cluster
  const sourceGroups = (cluster?.VpcSecurityGroups ?? []).flatMap((g) =>
    g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [],
  )
  const groups =
    s.tempVpcSecurityGroupIds.length > 0 ? [...s.tempVpcSecurityGroupIds] : sourceGroups
  return {
    DBInstanceIdentifier: ctx.names.tempInstance,
    DBClusterSnapshotIdentifier: ctx.names.sourceClusterSnapshot,
    Engine: ctx.sourceDb.engine,
    DBInstanceClass: cluster?.DBClusterInstanceClass,
    MultiAZ: false,
    DBSubnetGroupName: s.tempDbSubnetGroup ?? cluster?.DBSubnetGroup,
    VpcSecurityGroupIds: groups.length > 0 ? groups : undefined,
    // Smaller than the source fails ("Invalid storage size"); the same size always fits.
    AllocatedStorage: cluster?.AllocatedStorage,
    StorageType: cluster?.StorageType,
    Iops: isProvisionedIops(cluster?.StorageType) ? cluster?.Iops : undefined,
    PubliclyAccessible: false,
    DeletionProtection: false,
    Tags: tagsFor(ctx, Purpose.intermediate),
  }
}

/** The cluster snapshot is only read by step 2: once the instance exists it can go. */
const deleteClusterSnapshotStep: RelayStep = {
  name: 'delete-cluster-snapshot',
  title:
    'Delete the source cluster snapshot once the temporary instance exists (unless keep-snapshots)',
  side: 'source',
  phases: SOURCE_PHASES,
  after: ['restore-temp-instance'],
  when: (ctx) => !ctx.settings.keepSnapshots,
  async run(ctx, runtime) {
    const api = snapshotApi('db-cluster-snapshot')
    await deleteSnapshot(ctx, runtime, { api, side: 'source', id: ctx.names.sourceClusterSnapshot })
  },
}

/**
 * Step 5: the temporary instance is no longer needed once its snapshot exists. It is deleted
 * beside the share, copy and restore (never on their path), and awaited before the run ends.
 */
const deleteTempInstanceStep: RelayStep = {
  name: 'delete-temp-instance',
  title: 'Delete the temporary instance (SkipFinalSnapshot), beside the copy and restore',
  side: 'source',
  phases: SOURCE_PHASES,
  after: ['snapshot-temp-instance'],
  async run(ctx, runtime) {
    const id = ctx.names.tempInstance
    const done = await removeAndWait(ctx, runtime, {
      resource: tempInstance(ctx),
      waitGone: () => waitForInstance(ctx, runtime, { side: 'source', id, until: 'gone' }),
    })
    if (done === 'removed') runtime.note(`deleted ${id}`)
  },
}

/**
 * The cluster restore of every relay, with the Multi-AZ DB cluster's class and storage; AWS
 * accepts the snapshot only as an ARN here.
 */
export function multiAzRestoreInput(
  ctx: RefreshContext,
  snapshotArn: string,
): RestoreDBClusterFromSnapshotCommandInput {
  const s = ctx.settings
  const instanceClass = s.instanceClass ?? ctx.sourceDb.cluster?.DBClusterInstanceClass
  if (!instanceClass) {
    throw new ActionError({
      summary: 'The DBClusterInstanceClass of the Multi-AZ copy is unknown',
      side: 'destination',
      accountId: ctx.destination.accountId,
      hint: 'Set instance-class (e.g. db.m6gd.large).',
    })
  }
  const storage = multiAzStorage(ctx)
  return {
    ...clusterRestoreInput(ctx, snapshotArn),
    DBClusterInstanceClass: instanceClass,
    StorageType: storage.storageType,
    Iops: storage.iops,
    PubliclyAccessible: s.publiclyAccessible,
  }
}
