import type { RestoreDBInstanceFromDBSnapshotCommandInput } from '@aws-sdk/client-rds'
import { restoreInstanceFromSnapshot } from '../../aws/rds-databases.js'
import { Purpose } from '../../tags.js'
import { tagsFor, type RefreshContext } from '../common/context.js'
import { provision } from '../common/provision.js'
import { describeCopyStep, passwordStep } from '../common/finish.js'
import { resolvePlacement } from '../common/preflight/index.js'
import { preflightStep } from './preflight.js'
import {
  copySnapshotStep,
  deleteCopiedSnapshotStep,
  deleteSharedSnapshotStep,
  DESTINATION_PHASES,
  isProvisionedIops,
  handoffSnapshotStep,
  shareSnapshotStep,
  unshareSnapshotStep,
  type RelayStep,
} from './steps.js'

/**
 * The DB instance relay (aws-reference D): snapshot → share → destination copy under the
 * destination key → RestoreDBInstanceFromDBSnapshot in the placement the user named →
 * password (ModifyDBInstance) → outputs.
 */
const snapshotSourceInstanceStep = handoffSnapshotStep({
  name: 'snapshot-source-instance',
  title: 'Snapshot the source instance (CreateDBSnapshot) and wait until available',
  after: ['preflight'],
  instanceId: (ctx) => ctx.sourceDb.identifier,
})

export function instanceRelaySteps(): RelayStep[] {
  return [
    preflightStep(),
    snapshotSourceInstanceStep,
    shareSnapshotStep('db-snapshot', ['snapshot-source-instance']),
    copySnapshotStep('db-snapshot', ['share-snapshot', 'snapshot-source-instance', 'preflight']),
    restoreInstanceStep,
    { ...passwordStep(['restore-instance']), phases: DESTINATION_PHASES },
    { ...describeCopyStep(['set-password']), phases: DESTINATION_PHASES },
    unshareSnapshotStep('db-snapshot'),
    deleteSharedSnapshotStep('db-snapshot', ['unshare-snapshot', 'restore-instance']),
    deleteCopiedSnapshotStep('db-snapshot', ['restore-instance']),
  ]
}

const restoreInstanceStep: RelayStep = {
  name: 'restore-instance',
  title: 'Restore the DB instance from the snapshot (RestoreDBInstanceFromDBSnapshot)',
  side: 'destination',
  phases: DESTINATION_PHASES,
  after: ['copy-snapshot'],
  async run(ctx, runtime) {
    const input = instanceRestoreInput(ctx, ctx.values.restoreFrom.get())
    await provision({
      ctx,
      runtime,
      resource: {
        kind: 'db-instance',
        side: 'destination',
        id: ctx.names.target,
        disposal: 'copy',
      },
      start: () => restoreInstanceFromSnapshot(ctx.destination.clients.rds, input),
    })
    runtime.note(`${input.DBInstanceClass ?? 'source class'}, ${input.DBSubnetGroupName}`)
  },
}

/**
 * The placement is always explicit (the pre-flight refuses a missing one): left out, AWS would
 * use the default security group and the default parameter group. Single-AZ, as AWS defaults.
 */
export function instanceRestoreInput(
  ctx: RefreshContext,
  snapshotArn: string,
): RestoreDBInstanceFromDBSnapshotCommandInput {
  const s = ctx.settings
  const instance = ctx.sourceDb.instance
  const placement = resolvePlacement(ctx)
  return {
    DBInstanceIdentifier: ctx.names.target,
    DBSnapshotIdentifier: snapshotArn,
    DBInstanceClass: s.instanceClass ?? instance?.DBInstanceClass,
    DBSubnetGroupName: placement.subnetGroup,
    VpcSecurityGroupIds: placement.securityGroupIds ? [...placement.securityGroupIds] : undefined,
    DBParameterGroupName: placement.parameterGroup,
    MultiAZ: s.multiAz,
    StorageType: s.storageType ?? instance?.StorageType,
    Iops:
      s.iops ??
      (isProvisionedIops(s.storageType ?? instance?.StorageType) ? instance?.Iops : undefined),
    PubliclyAccessible: s.publiclyAccessible,
    DeletionProtection: s.deletionProtection,
    Tags: tagsFor(ctx, Purpose.copy),
  }
}
