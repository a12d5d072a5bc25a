import {
  CreateDBInstanceCommand,
  RestoreDBClusterToPointInTimeCommand,
  type RestoreDBClusterToPointInTimeCommandInput,
} from '@aws-sdk/client-rds'
import type { Plan, Step } from '../engine/types.js'
import type { RefreshContext } from './context.js'
import { waitForCluster, waitForInstance } from './waits.js'
import { describeCopyStep, passwordStep } from './finish.js'

/**
 * Aurora copy-on-write clone (or full copy): restore the source to its latest restorable time
 * into the destination, then add instances — the clone starts with none.
 */
export function clonePlan(): Plan<RefreshContext> {
  return {
    description: 'Aurora clone: RestoreDBClusterToPointInTime, then instances',
    steps: [
      cloneClusterStep,
      createInstancesStep,
      passwordStep(['create-instances']),
      describeCopyStep(['set-password']),
    ],
  }
}

const cloneClusterStep: Step<RefreshContext> = {
  name: 'clone-cluster',
  title: 'Clone the source cluster into the destination (RestoreDBClusterToPointInTime)',
  side: 'destination',
  async run(ctx, runtime) {
    const input = cloneInput(ctx)
    await ctx.destination.clients.rds.send(new RestoreDBClusterToPointInTimeCommand(input))
    runtime.record({
      kind: 'db-cluster',
      side: 'destination',
      id: ctx.names.target,
      disposal: 'copy',
    })
    await waitForCluster(ctx, runtime, { side: 'destination', id: ctx.names.target })
  },
}

export function cloneInput(ctx: RefreshContext): RestoreDBClusterToPointInTimeCommandInput {
  const s = ctx.settings
  return {
    DBClusterIdentifier: ctx.names.target,
    // Cross-account, AWS accepts the source only as an ARN; the ARN works in one account too.
    SourceDBClusterIdentifier: ctx.sourceDb.arn,
    RestoreType: ctx.method === 'full-copy' ? 'full-copy' : 'copy-on-write',
    UseLatestRestorableTime: true,
    DBSubnetGroupName: s.dbSubnetGroup,
    VpcSecurityGroupIds: s.vpcSecurityGroupIds.length > 0 ? [...s.vpcSecurityGroupIds] : undefined,
    DBClusterParameterGroupName: s.dbClusterParameterGroup,
    KmsKeyId: s.kmsKeyId,
    DeletionProtection: s.deletionProtection,
    ServerlessV2ScalingConfiguration: s.serverless
      ? { MinCapacity: s.serverless.minCapacity, MaxCapacity: s.serverless.maxCapacity }
      : undefined,
    Tags: [...ctx.tags],
  }
}

const createInstancesStep: Step<RefreshContext> = {
  name: 'create-instances',
  title: "Create the copy's DB instances (a clone starts with none) and wait for them",
  side: 'destination',
  after: ['clone-cluster'],
  async run(ctx, runtime) {
    const s = ctx.settings
    const instanceClass = s.instanceClass ?? ctx.sourceDb.writerInstanceClass ?? 'db.r6g.large'
    const ids = Array.from({ length: s.instanceCount }, (_, i) => ctx.names.instance(i + 1))
    ctx.copy.instanceIdentifiers = ids
    // Created in parallel: each takes minutes, and AWS builds them independently.
    await Promise.all(
      ids.map(async (id) => {
        await ctx.destination.clients.rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: id,
            DBClusterIdentifier: ctx.names.target,
            DBInstanceClass: instanceClass,
            Engine: ctx.sourceDb.engine,
            PubliclyAccessible: s.publiclyAccessible,
            DBParameterGroupName: s.dbParameterGroup,
            Tags: [...ctx.tags],
          }),
        )
        runtime.record({ kind: 'db-instance', side: 'destination', id, disposal: 'copy' })
        await waitForInstance(ctx, runtime, { side: 'destination', id })
      }),
    )
    runtime.note(`${ids.length} × ${instanceClass}`)
  },
}

/**
 * The clone's instance step, after other steps: the Aurora snapshot relay restores a cluster
 * that has no instances either, and adds them the same way.
 */
export function createInstancesAfter(after: readonly string[]): Step<RefreshContext> {
  return { ...createInstancesStep, after }
}
