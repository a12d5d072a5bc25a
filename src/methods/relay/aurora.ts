import type { RestoreDBClusterFromSnapshotCommandInput } from '@aws-sdk/client-rds'
import { createInstancesAfter, scalingFromInputs } from '../clone/plan.js'
import type { RefreshContext } from '../common/context.js'
import { describeCopyStep, passwordStep } from '../common/finish.js'
import { preflightStep } from './preflight.js'
import {
  clusterRestoreInput,
  copySnapshotStep,
  deleteCopiedSnapshotStep,
  deleteSharedSnapshotStep,
  DESTINATION_PHASES,
  restoreClusterStep,
  shareSnapshotStep,
  snapshotSourceClusterStep,
  unshareSnapshotStep,
  type RelayStep,
} from './steps.js'

/**
 * The Aurora snapshot relay, for when a clone is impossible or method: relay asks for it
 * (aws-reference C): cluster snapshot → share → destination copy under the destination key →
 * RestoreDBClusterFromSnapshot → instances (as the clone adds them) → password → outputs.
 */
const restoreAuroraClusterStep = restoreClusterStep({
  title: 'Restore the Aurora cluster from the snapshot (RestoreDBClusterFromSnapshot)',
  input: (ctx, snapshotArn) => auroraRestoreInput(ctx, snapshotArn),
})

export function auroraRelaySteps(): RelayStep[] {
  return [
    preflightStep(),
    snapshotSourceClusterStep({ handoff: true }),
    shareSnapshotStep('db-cluster-snapshot', ['snapshot-source-cluster']),
    copySnapshotStep('db-cluster-snapshot', [
      'share-snapshot',
      'snapshot-source-cluster',
      'preflight',
    ]),
    restoreAuroraClusterStep,
    { ...createInstancesAfter(['restore-cluster']), phases: DESTINATION_PHASES },
    { ...passwordStep(['create-instances']), phases: DESTINATION_PHASES },
    { ...describeCopyStep(['set-password']), phases: DESTINATION_PHASES },
    unshareSnapshotStep('db-cluster-snapshot'),
    deleteSharedSnapshotStep('db-cluster-snapshot', ['unshare-snapshot', 'restore-cluster']),
    deleteCopiedSnapshotStep('db-cluster-snapshot', ['restore-cluster']),
  ]
}

/** The cluster restore of every relay, with the Serverless v2 scaling the inputs ask for. */
export function auroraRestoreInput(
  ctx: RefreshContext,
  snapshotArn: string,
): RestoreDBClusterFromSnapshotCommandInput {
  return {
    ...clusterRestoreInput(ctx, snapshotArn),
    // Needed before a db.serverless instance is added (aws-reference A3).
    ServerlessV2ScalingConfiguration: scalingFromInputs(ctx.settings),
  }
}
