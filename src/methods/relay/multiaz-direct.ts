import { ActionError } from '../../errors.js'
import type { StepRuntime } from '../../engine/types.js'
import type { RefreshContext } from '../common/context.js'
import { fallBack, isRefusal, onPath, type MultiAzPath } from './multiaz-path.js'
import { rdsResourceId } from '../../aws/arn.js'
import {
  deleteSharedSnapshotStep,
  restoreClusterStep,
  shareSnapshotStep,
  snapshotSourceClusterStep,
  unshareSnapshotStep,
  type RelayStep,
} from './steps.js'

/**
 * The Multi-AZ relay's direct path (aws-reference B, UNCONFIRMED): the source cluster snapshot is
 * shared as it is and the destination restores the Multi-AZ DB cluster straight from its ARN,
 * under the destination's key. No temporary instance, no DB snapshot, no copy:
 *
 *   snapshot-source-cluster → share-cluster-snapshot → restore-cluster-direct →
 *   (set-password, describe-copy) and, beside them, unshare-cluster-snapshot →
 *   delete-shared-cluster-snapshot
 *
 * A synchronous refusal of the share or of the restore turns the run to the 7 steps (multiaz.ts),
 * which start from the same cluster snapshot; the share, if made, is withdrawn at once.
 */

/** A step that runs only while the run is on `path`, besides its own condition. */
export function onlyOn(path: MultiAzPath, step: RelayStep): RelayStep {
  return {
    ...step,
    when: (ctx) => onPath(ctx.multiAzPath, path) && (step.when?.(ctx) ?? true),
  }
}

/**
 * Step 1 of both paths. On the direct path the cluster snapshot is what crosses accounts, so it
 * is the hand-off (snapshot-arn) of a source-phase job; on the 7 steps it is an intermediate.
 */
export function clusterSnapshotStep(): RelayStep {
  const handedOver = snapshotSourceClusterStep({ handoff: true })
  const intermediate = snapshotSourceClusterStep({ handoff: false })
  return {
    ...intermediate,
    run: (ctx, runtime) =>
      (onPath(ctx.multiAzPath, 'direct') ? handedOver : intermediate).run(ctx, runtime),
  }
}

/** Direct step 2: share the cluster snapshot with the destination account. */
export function shareClusterSnapshotStep(): RelayStep {
  const share = shareSnapshotStep('db-cluster-snapshot', ['snapshot-source-cluster'])
  return onlyOn('direct', {
    ...share,
    name: 'share-cluster-snapshot',
    async run(ctx, runtime) {
      try {
        await share.run(ctx, runtime)
      } catch (error) {
        if (!isRefusal(error, 'share')) throw error
        const id = rdsResourceId(ctx.values.sharedSnapshotArn.get())
        // The intent recorded before the call: AWS made no share.
        runtime.release({ kind: 'db-cluster-snapshot-share', side: 'source', id })
        turnOrFail(ctx, runtime, {
          error,
          what: `to share the Multi-AZ DB cluster snapshot ${id} with account ${ctx.destination.accountId}`,
          side: 'source',
          resource: id,
        })
        return
      }
      if (ctx.multiAzPath) ctx.multiAzPath.shared = true
    },
  })
}

/** Direct step 3: the Multi-AZ DB cluster, restored straight from the (shared) cluster snapshot. */
export function restoreClusterDirectStep(
  input: Parameters<typeof restoreClusterStep>[0]['input'],
): RelayStep {
  const restore = restoreClusterStep({
    title:
      'Restore the Multi-AZ DB cluster straight from the cluster snapshot (RestoreDBClusterFromSnapshot by ARN, destination KMS key)',
    input,
    note: (request) => `from ${rdsResourceId(request.SnapshotIdentifier ?? '')}`,
  })
  return onlyOn('direct', {
    ...restore,
    name: 'restore-cluster-direct',
    after: ['share-cluster-snapshot', 'snapshot-source-cluster', 'preflight'],
    async run(ctx, runtime) {
      const snapshotArn = ctx.values.sharedSnapshotArn.get()
      ctx.values.restoreFrom.set(snapshotArn)
      try {
        await restore.run(ctx, runtime)
      } catch (error) {
        if (!isRefusal(error, 'restore')) throw error
        turnOrFail(ctx, runtime, {
          error,
          what: `to restore the Multi-AZ DB cluster ${ctx.names.target} straight from the shared cluster snapshot ${snapshotArn}`,
          side: 'destination',
          resource: ctx.names.target,
        })
        return
      }
      const choice = ctx.multiAzPath
      if (choice && !choice.forced) {
        choice.reason = ctx.sameAccount
          ? 'same account: restored straight from the cluster snapshot'
          : 'AWS shared the cluster snapshot and restored the copy straight from it'
      }
      runtime.log.info(`Direct path: ${choice?.reason ?? 'restored from the cluster snapshot'}`)
    },
  })
}

/**
 * Withdraw the cluster snapshot's share once the copy is restored from it, or at once when AWS
 * refused the restore (the 7 steps share a DB snapshot instead).
 */
export function unshareClusterSnapshotStep(): RelayStep {
  const unshare = unshareSnapshotStep('db-cluster-snapshot')
  return {
    ...unshare,
    name: 'unshare-cluster-snapshot',
    after: ['restore-cluster-direct'],
    when: (ctx) =>
      (ctx.multiAzPath?.shared === true || onPath(ctx.multiAzPath, 'direct')) &&
      (unshare.when?.(ctx) ?? true),
  }
}

/** Delete the cluster snapshot the copy was restored from (unless keep-snapshots). */
export function deleteSharedClusterSnapshotStep(): RelayStep {
  return onlyOn('direct', {
    ...deleteSharedSnapshotStep('db-cluster-snapshot', [
      'unshare-cluster-snapshot',
      'restore-cluster-direct',
    ]),
    name: 'delete-shared-cluster-snapshot',
  })
}

/**
 * A refusal turns the run to the 7 steps, unless the path was forced (input, or a destination
 * job's hand-off, whose 7 steps would start in the source account): then the run fails, saying
 * what AWS refused and what to do.
 */
function turnOrFail(
  ctx: RefreshContext,
  runtime: StepRuntime,
  refusal: { error: unknown; what: string; side: 'source' | 'destination'; resource: string },
): void {
  const choice = ctx.multiAzPath
  if (!choice || choice.forced) {
    const destinationJob = ctx.settings.phase === 'destination'
    throw ActionError.fromAws(refusal.error, {
      summary: `AWS refused ${refusal.what}`,
      resource: refusal.resource,
      side: refusal.side,
      accountId: refusal.side === 'source' ? ctx.source.accountId : ctx.destination.accountId,
      hint: destinationJob
        ? 'This account cannot restore the shared Multi-AZ DB cluster snapshot directly: run the source job with multi-az-path: seven-step (it then hands over a DB snapshot that this job copies), or with auto and an unencrypted source.'
        : 'AWS does not allow the direct path here: set multi-az-path to auto (falls back to the 7 steps) or seven-step.',
    })
  }
  const reason = fallBack(choice, refusal.what, refusal.error)
  runtime.log.info(`Falling back to the 7 steps: ${reason}`)
  runtime.note('refused by AWS: falling back to the 7 steps')
}
