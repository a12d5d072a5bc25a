import { pollOf, READERS, type ResourceReader } from '../../aws/rds-read.js'
import type { Accounts } from '../../credentials.js'
import type { Plan, Step, StepRuntime } from '../../engine/types.js'
import { FAILURE_STATUSES, stepWaitContext, waitFor, type WaitSpec } from '../../engine/wait.js'
import { isAlreadyDeleting, isNotFound } from '../../aws/error-codes.js'
import { ActionError } from '../../errors.js'
import type { Settings } from '../../settings.js'
import { TagKeys } from '../../tags.js'
import { listClusters } from '../../aws/rds-inventory.js'
import { managedShares, withdrawShare } from '../../aws/ram.js'
import { shareStillNeeded } from './shares.js'
import { tagValue } from '../../aws/ownership.js'
import { deleteDatabase, deleteMembers, disableDeletionProtection } from '../../aws/removers.js'
import type { ManagedTarget } from './target.js'

/** What the steps of a deletion share. */
export interface DeleteContext {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly target: ManagedTarget
}

/** Statuses from which AWS accepts a deletion (a failed resource too, with no final snapshot). */
const DELETABLE = ['available', ...FAILURE_STATUSES]

const isCluster = (ctx: DeleteContext): boolean => ctx.target.kind !== 'instance'
const targetRef = (ctx: DeleteContext) =>
  ({ kind: isCluster(ctx) ? 'cluster' : 'instance', id: ctx.target.identifier }) as const
const alreadyDeleting = (ctx: DeleteContext): boolean => ctx.target.status === 'deleting'

/**
 * Tear a managed target down in the destination account: deletion protection off (the target is
 * proven managed), Aurora readers then the writer, then the cluster (or the DB instance), and wait
 * until AWS reports it gone. With the source role, a RAM share made only for this clone is
 * withdrawn once no other copy uses it.
 */
export function deletionPlan(ctx: DeleteContext): Plan<DeleteContext> {
  const kind = ctx.target.kind === 'instance' ? 'DB instance' : 'DB cluster'
  const snapshot = ctx.settings.finalSnapshotIdentifier
  return {
    description: `Delete the ${kind} ${ctx.target.identifier}${snapshot ? ` after a final snapshot ${snapshot}` : ', with no final snapshot'}`,
    steps: [
      disableProtectionStep,
      deleteInstancesStep,
      deleteTargetStep,
      waitDeletedStep,
      withdrawShareStep,
    ],
  }
}

const disableProtectionStep: Step<DeleteContext> = {
  name: 'disable-deletion-protection',
  title: 'Turn off deletion protection on the managed target',
  side: 'destination',
  when: (ctx) => ctx.target.deletionProtection && !alreadyDeleting(ctx),
  async run(ctx, runtime) {
    await disableDeletionProtection(ctx.accounts.destination.clients.rds, targetRef(ctx))
    await waitForTarget(ctx, runtime, {
      until: ['available'],
      ready: (item) => !(item as { DeletionProtection?: boolean }).DeletionProtection,
    })
  },
}

const deleteInstancesStep: Step<DeleteContext> = {
  name: 'delete-instances',
  title: 'Delete the Aurora DB instances, readers first, then the writer',
  side: 'destination',
  after: ['disable-deletion-protection'],
  when: (ctx) => ctx.target.kind === 'aurora-cluster' && ctx.target.memberWaves.length > 0,
  async run(ctx, runtime) {
    await deleteMembers(ctx.accounts.destination.clients.rds, ctx.target.memberWaves, (id) =>
      runtime.log.info(`Deleting DB instance ${id}`),
    )
    runtime.note(`${ctx.target.memberWaves.flat().length} instance(s)`)
  },
}

const deleteTargetStep: Step<DeleteContext> = {
  name: 'delete-target',
  title: 'Delete the target DB cluster or DB instance',
  side: 'destination',
  after: ['delete-instances'],
  when: (ctx) => !alreadyDeleting(ctx),
  async run(ctx, runtime) {
    await waitForTarget(ctx, runtime, { until: DELETABLE, failOn: ['stopped'] })
    const id = ctx.target.identifier
    const finalSnapshot = ctx.settings.finalSnapshotIdentifier
    try {
      await deleteDatabase(ctx.accounts.destination.clients.rds, targetRef(ctx), { finalSnapshot })
    } catch (error) {
      if (isNotFound(error) || isAlreadyDeleting(error)) return
      throw ActionError.fromAws(error, {
        summary: `Could not delete ${id}`,
        step: runtime.name,
        resource: ctx.target.arn,
        side: 'destination',
        accountId: ctx.accounts.destination.accountId,
      })
    }
    runtime.note(finalSnapshot ? `final snapshot ${finalSnapshot}` : 'no final snapshot')
    runtime.log.info(
      finalSnapshot
        ? `Deleting ${id}; AWS takes the final snapshot ${finalSnapshot} first (kept: it is not managed, so sweep leaves it)`
        : `Deleting ${id} with no final snapshot`,
    )
  },
}

const waitDeletedStep: Step<DeleteContext> = {
  name: 'wait-deleted',
  title: 'Wait until AWS reports the target and its instances deleted',
  side: 'destination',
  after: ['delete-target'],
  async run(ctx, runtime) {
    await Promise.all([
      ...ctx.target.memberWaves
        .flat()
        .map((id) =>
          waitOnDestination(ctx, runtime, { reader: READERS['db-instance'], id, until: 'gone' }),
        ),
      waitForTarget(ctx, runtime, { until: 'gone' }),
    ])
  },
}

/**
 * The clone's RAM share is tagged managed and named after the source and the destination account.
 * It is withdrawn only when no other copy in the destination still uses the source through it.
 */
const withdrawShareStep: Step<DeleteContext> = {
  name: 'withdraw-share',
  title: 'Withdraw the RAM share made for this clone, when no other copy uses it',
  side: 'source',
  after: ['wait-deleted'],
  when: (ctx) => ctx.target.crossAccountClone && !ctx.accounts.sameAccount,
  async run(ctx, runtime) {
    const decision = await shareDecision(ctx)
    runtime.log.info(decision.message)
    runtime.note(decision.note)
    if (decision.withdraw) {
      await withdrawShare(ctx.accounts.source.clients.ram, decision.withdraw)
    }
  },
}

/** What happens to the clone's share; read only, so `operation: plan` shows the same answer. */
export async function shareDecision(
  ctx: DeleteContext,
): Promise<{ withdraw?: string; message: string; note: string }> {
  const sourceArn = tagValue(ctx.target.tags, TagKeys.source)
  if (!sourceArn) {
    return {
      message: `${ctx.target.identifier} has no ${TagKeys.source} tag: its source share is left in place`,
      note: 'share left (source unknown)',
    }
  }
  const { source, destination } = ctx.accounts
  const shares = (await managedShares(source.clients.ram)).filter(
    (s) => s.resources.includes(sourceArn) && s.principals.includes(destination.accountId),
  )
  if (shares.length === 0) {
    return {
      message: `No managed RAM share of ${sourceArn} with account ${destination.accountId} in the source account ${source.accountId}: nothing to withdraw`,
      note: 'no managed share',
    }
  }
  const destinationClusters = await listClusters(destination.clients.rds)
  for (const share of shares) {
    const needed = await shareStillNeeded({
      share,
      source,
      destinationAccountId: destination.accountId,
      destinationClusters,
      except: [ctx.target.identifier],
    })
    if (needed) {
      return {
        message: `RAM share ${share.arn} is kept: ${needed}`,
        note: `share kept (${needed})`,
      }
    }
    return {
      withdraw: share.arn,
      message: `Withdrawing RAM share ${share.arn} (${share.name}) in the source account ${source.accountId}: no other copy in ${destination.accountId} uses it`,
      note: 'share withdrawn',
    }
  }
  return { message: 'No share to withdraw', note: 'no managed share' }
}

/** What a wait on a destination resource waits for: a status (or `gone`), failing on others. */
type Until<T> = Pick<WaitSpec<T>, 'until' | 'failOn' | 'ready'>

function waitForTarget(
  ctx: DeleteContext,
  runtime: StepRuntime,
  until: Until<unknown>,
): Promise<unknown> {
  const reader = (
    isCluster(ctx) ? READERS['db-cluster'] : READERS['db-instance']
  ) as ResourceReader<unknown>
  return waitOnDestination(ctx, runtime, { reader, id: ctx.target.identifier, ...until })
}

/** Wait on one destination resource with the run's polling. */
function waitOnDestination<T>(
  ctx: DeleteContext,
  runtime: StepRuntime,
  target: { readonly reader: ResourceReader<T>; readonly id: string } & Until<T>,
): Promise<T> {
  const { reader, id, ...until } = target
  const session = ctx.accounts.destination
  return waitFor(
    {
      ...pollOf(reader, session.clients.rds, id),
      side: 'destination',
      accountId: session.accountId,
      ...until,
    },
    stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
  )
}
