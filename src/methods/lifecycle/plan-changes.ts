import type { RefreshContext } from '../common/context.js'
import { handoffSnapshotName } from '../relay/names.js'
import { shareName } from '../clone/ram-share.js'

/**
 * What each step of a refresh would create, change or delete, for `operation: plan`. Keyed by
 * step name; a unit test fails when a method gains a step this table does not describe.
 */
export const REFRESH_CHANGES: Readonly<Record<string, (ctx: RefreshContext) => string>> = {
  preflight: () => 'none (reads keys, placement and snapshot quota)',
  'share-source': (ctx) =>
    `creates (or reuses) the RAM resource share ${shareName(ctx.sourceDb.identifier, ctx.destination.accountId)}, kept for later runs`,
  'accept-share': () => 'accepts the share invitation, when the accounts need one',
  'clone-cluster': (ctx) => `creates the DB cluster ${ctx.names.target} (${ctx.method})`,
  'create-instances': (ctx) =>
    `creates the DB instances ${instanceNames(ctx).join(', ')} in ${ctx.names.target}`,
  'set-password': (ctx) =>
    ctx.settings.masterPassword === 'keep'
      ? `none (master-password: keep: ${ctx.names.target} keeps the source's password)`
      : `changes the master password of ${ctx.names.target} (${ctx.settings.masterPassword})`,
  'describe-copy': () => 'none (reads the copy for the outputs)',
  'snapshot-source-cluster': (ctx) =>
    `creates the DB cluster snapshot ${ctx.names.sourceClusterSnapshot} (temporary)`,
  'restore-temp-instance': (ctx) =>
    `creates the DB instance ${ctx.names.tempInstance} (temporary, deleted in this run)`,
  'snapshot-temp-instance': (ctx) => `creates the DB snapshot ${handoffSnapshotName(ctx)}`,
  'snapshot-source-instance': (ctx) => `creates the DB snapshot ${handoffSnapshotName(ctx)}`,
  'share-snapshot': (ctx) =>
    `shares the snapshot with account ${ctx.destination.accountId} (restore attribute)`,
  'delete-temp-instance': (ctx) => `deletes the DB instance ${ctx.names.tempInstance}`,
  'delete-cluster-snapshot': (ctx) =>
    `deletes the DB cluster snapshot ${ctx.names.sourceClusterSnapshot}`,
  'copy-snapshot': (ctx) =>
    `creates the snapshot copy ${ctx.names.destinationSnapshot} re-encrypted${ctx.settings.kmsKeyId ? ` with ${ctx.settings.kmsKeyId}` : ''}`,
  'restore-cluster': (ctx) => `creates the DB cluster ${ctx.names.target}`,
  'restore-instance': (ctx) => `creates the DB instance ${ctx.names.target}`,
  'unshare-snapshot': (ctx) => `stops sharing the snapshot with ${ctx.destination.accountId}`,
  'delete-shared-snapshot': () =>
    'deletes the shared snapshot (unless keep-snapshots, or it is a hand-off to another job)',
  'share-cluster-snapshot': (ctx) =>
    `shares the DB cluster snapshot ${ctx.names.sourceClusterSnapshot} with account ${ctx.destination.accountId}; if AWS refuses, the 7 steps run instead`,
  'restore-cluster-direct': (ctx) =>
    `creates the DB cluster ${ctx.names.target} straight from the cluster snapshot; if AWS refuses, the 7 steps run instead`,
  'unshare-cluster-snapshot': (ctx) =>
    `stops sharing the DB cluster snapshot with ${ctx.destination.accountId}`,
  'delete-shared-cluster-snapshot': (ctx) =>
    `deletes the DB cluster snapshot ${ctx.names.sourceClusterSnapshot} (unless keep-snapshots, or it is a hand-off to another job)`,
  'delete-copied-snapshot': () =>
    'deletes the destination copy of the snapshot (unless keep-snapshots)',
}

function instanceNames(ctx: RefreshContext): string[] {
  return Array.from({ length: ctx.settings.instanceCount }, (_, i) => ctx.names.instance(i + 1))
}
