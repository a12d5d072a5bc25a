import type {
  RestoreDBClusterToPointInTimeCommandInput,
  ServerlessV2ScalingConfiguration,
} from '@aws-sdk/client-rds'
import {
  createClusterInstance,
  modifyDatabase,
  restoreClusterToPointInTime,
} from '../../aws/rds-databases.js'
import { findCluster } from '../../aws/rds-read.js'
import type { Plan, Step, StepRuntime } from '../../engine/types.js'
import { ActionError } from '../../errors.js'
import type { Settings } from '../../settings.js'
import { Purpose } from '../../tags.js'
import { tagsFor, type RefreshContext } from '../common/context.js'
import { provision } from '../common/provision.js'
import { clusterPlacementMembers, resolvePlacement } from '../common/preflight/index.js'
import { cloneError, instanceError } from './errors.js'
import { describeCopyStep, passwordStep } from '../common/finish.js'
import { acceptShareStep, shareSourceStep } from './ram-share.js'
import { waitForCluster } from '../common/waits.js'

/** The Serverless v2 instance class; the cluster needs a scaling range before one is added. */
export const SERVERLESS_CLASS = 'db.serverless'

/** Scaling used for `db.serverless` when neither the inputs nor the source give one. */
export const DEFAULT_SERVERLESS_SCALING = { MinCapacity: 0.5, MaxCapacity: 16 } as const

/** When the source's writer class cannot be read. */

/**
 * Aurora copy-on-write clone (or full copy). Across accounts the source is first shared through
 * AWS RAM and the invitation accepted; then the source is restored to its latest restorable time
 * into the destination, instances are added (the clone starts with none), and the password set.
 */
export function clonePlan(): Plan<RefreshContext> {
  return {
    description:
      'Aurora clone: RAM share (cross-account) → RestoreDBClusterToPointInTime → DB instances → password',
    steps: [
      shareSourceStep,
      acceptShareStep,
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
  after: ['accept-share'],
  async run(ctx, runtime) {
    const input = cloneInput(ctx)
    runtime.log.info(
      `RestoreType=${input.RestoreType ?? ''} from ${input.SourceDBClusterIdentifier ?? ''} to ${ctx.names.target}${input.KmsKeyId ? ` with KMS key ${input.KmsKeyId}` : ''}`,
    )
    const rds = ctx.destination.clients.rds
    await provision({
      ctx,
      runtime,
      resource: { kind: 'db-cluster', side: 'destination', id: ctx.names.target, disposal: 'copy' },
      start: () =>
        restoreClusterToPointInTime(rds, input).catch((error: unknown) => {
          throw cloneError(error, ctx, runtime.name)
        }),
    })
    runtime.note(input.RestoreType === 'full-copy' ? 'full copy' : 'copy-on-write')
  },
}

/**
 * The instance class of the copy's instances: the input, else the source writer's class. The
 * pre-flight checks (clone and relay) make sure one of them is known; the action never guesses.
 */
export function instanceClassOf(ctx: RefreshContext): string {
  const instanceClass = ctx.settings.instanceClass ?? ctx.sourceDb.writerInstanceClass
  if (!instanceClass) {
    throw new ActionError({
      summary: `No instance class for the instances of ${ctx.names.target}`,
      side: 'destination',
      accountId: ctx.destination.accountId,
      hint: 'Set instance-class.',
    })
  }
  return instanceClass
}

/**
 * The restore call. No Performance Insights or monitoring members: AWS refuses them on a restore
 * (InvalidParameterCombination, aws-reference A1); they can be turned on after.
 */
export function cloneInput(ctx: RefreshContext): RestoreDBClusterToPointInTimeCommandInput {
  const s = ctx.settings
  return {
    DBClusterIdentifier: ctx.names.target,
    // Cross-account, AWS accepts the source only as an ARN; the ARN works in one account too.
    SourceDBClusterIdentifier: ctx.sourceDb.arn,
    RestoreType: ctx.method === 'full-copy' ? 'full-copy' : 'copy-on-write',
    UseLatestRestorableTime: true,
    ...clusterPlacementMembers(resolvePlacement(ctx)),
    KmsKeyId: s.kmsKeyId,
    DeletionProtection: s.deletionProtection,
    ServerlessV2ScalingConfiguration: restoreScaling(ctx),
    Tags: tagsFor(ctx, Purpose.copy),
  }
}

/** The Serverless v2 scaling range the inputs ask for, if they do. */
export function scalingFromInputs(
  settings: Pick<Settings, 'serverless'>,
): ServerlessV2ScalingConfiguration | undefined {
  const s = settings.serverless
  return s && { MinCapacity: s.minCapacity, MaxCapacity: s.maxCapacity }
}

/** Scaling from the inputs; for `db.serverless` without inputs, the source's own range. */
function restoreScaling(ctx: RefreshContext): ServerlessV2ScalingConfiguration | undefined {
  const asked = scalingFromInputs(ctx.settings)
  if (asked || instanceClassOf(ctx) !== SERVERLESS_CLASS) return asked
  return sourceScaling(ctx)
}

/** The source cluster's own Serverless v2 range, when it has a complete one. */
function sourceScaling(ctx: RefreshContext): ServerlessV2ScalingConfiguration | undefined {
  return completeScaling(ctx.sourceDb.cluster?.ServerlessV2ScalingConfiguration)
}

function completeScaling(
  scaling: ServerlessV2ScalingConfiguration | undefined,
): ServerlessV2ScalingConfiguration | undefined {
  if (scaling?.MinCapacity === undefined || scaling.MaxCapacity === undefined) return undefined
  return { MinCapacity: scaling.MinCapacity, MaxCapacity: scaling.MaxCapacity }
}

const createInstancesStep: Step<RefreshContext> = {
  name: 'create-instances',
  title: "Create the copy's DB instances (a clone starts with none) and wait for them",
  side: 'destination',
  after: ['clone-cluster'],
  async run(ctx, runtime) {
    const instanceClass = instanceClassOf(ctx)
    if (instanceClass === SERVERLESS_CLASS) await ensureServerlessScaling(ctx, runtime)
    const ids = Array.from({ length: ctx.settings.instanceCount }, (_, i) =>
      ctx.names.instance(i + 1),
    )
    runtime.log.info(`Creating ${ids.length} × ${instanceClass} in parallel: ${ids.join(', ')}`)
    // In parallel: each takes minutes, and AWS builds them independently.
    await Promise.all(ids.map((id) => createInstance(ctx, runtime, { id, instanceClass })))
    runtime.note(`${ids.length} × ${instanceClass}`)
  },
}

/**
 * The clone's instance step, after other steps: the Aurora snapshot relay restores a cluster
 * that has no instances either, and adds them the same way (same signature as on the relay
 * branch, so both merge cleanly).
 */
export function createInstancesAfter(after: readonly string[]): Step<RefreshContext> {
  return { ...createInstancesStep, after }
}

async function createInstance(
  ctx: RefreshContext,
  runtime: StepRuntime,
  instance: { id: string; instanceClass: string },
): Promise<void> {
  const s = ctx.settings
  const rds = ctx.destination.clients.rds
  await provision({
    ctx,
    runtime,
    resource: { kind: 'db-instance', side: 'destination', id: instance.id, disposal: 'copy' },
    start: async () => {
      await createClusterInstance(rds, {
        DBInstanceIdentifier: instance.id,
        DBClusterIdentifier: ctx.names.target,
        DBInstanceClass: instance.instanceClass,
        Engine: ctx.sourceDb.engine,
        PubliclyAccessible: s.publiclyAccessible,
        DBParameterGroupName: resolvePlacement(ctx).parameterGroup,
        Tags: tagsFor(ctx, Purpose.copy),
      }).catch((error: unknown) => {
        throw instanceError(error, ctx, { step: runtime.name, ...instance })
      })
      runtime.log.info(`Creating DB instance ${instance.id}`)
    },
  })
}

/**
 * A `db.serverless` instance needs the cluster's Serverless v2 scaling range first; AWS refuses
 * the instance otherwise. Set it when the restore did not (inputs, then the source's range, then
 * a small default).
 */
async function ensureServerlessScaling(ctx: RefreshContext, runtime: StepRuntime): Promise<void> {
  const rds = ctx.destination.clients.rds
  const id = ctx.names.target
  const cluster = await findCluster(rds, id)
  if (completeScaling(cluster?.ServerlessV2ScalingConfiguration)) return
  const asked = scalingFromInputs(ctx.settings)
  const scaling = asked ?? sourceScaling(ctx) ?? { ...DEFAULT_SERVERLESS_SCALING }
  runtime.log.info(
    `Setting Serverless v2 scaling ${scaling.MinCapacity ?? ''}-${scaling.MaxCapacity ?? ''} ACU on ${id} before adding db.serverless instances${asked ? '' : ' (set serverless-min-capacity and serverless-max-capacity to choose)'}`,
  )
  try {
    await modifyDatabase(
      rds,
      { kind: 'cluster', id },
      { ServerlessV2ScalingConfiguration: scaling },
    )
  } catch (error) {
    throw ActionError.fromAws(error, {
      summary: `Could not set the Serverless v2 scaling of ${id}`,
      step: runtime.name,
      resource: id,
      side: 'destination',
      accountId: ctx.destination.accountId,
    })
  }
  await waitForCluster(ctx, runtime, {
    side: 'destination',
    id,
    ready: (c) => completeScaling(c.ServerlessV2ScalingConfiguration) !== undefined,
  })
}
