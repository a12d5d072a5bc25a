import type { DBCluster, DBClusterSnapshot, DBInstance, DBSnapshot } from '@aws-sdk/client-rds'
import { findCluster, findClusterSnapshot, findInstance, findSnapshot } from '../aws/rds-read.js'
import type { AccountSide, StepRuntime } from '../engine/types.js'
import { waitFor } from '../engine/wait.js'
import { sessionFor, type RefreshContext } from './context.js'

/** Which resource to wait for, on which side, until what. */
export interface WaitTarget<T = unknown> {
  readonly side: AccountSide
  readonly id: string
  /** Default: `['available']`. `gone` waits for the deletion to finish. */
  readonly until?: 'gone' | readonly string[]
  /** Extra condition on top of the status (e.g. no password change pending). */
  readonly ready?: (item: T) => boolean
}

function waitContext(ctx: RefreshContext, runtime: StepRuntime) {
  return {
    step: runtime.name,
    log: runtime.log,
    signal: runtime.signal,
    deadline: runtime.deadline,
    pollSeconds: ctx.settings.pollIntervalSeconds,
  }
}

export function waitForCluster(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBCluster>,
): Promise<DBCluster> {
  const session = sessionFor(ctx, target.side)
  return waitFor(
    {
      resource: `DB cluster ${target.id}`,
      side: target.side,
      accountId: session.accountId,
      describe: () => findCluster(session.clients.rds, target.id),
      status: (c) => c.Status ?? 'unknown',
      until: target.until ?? ['available'],
      ready: target.ready,
    },
    waitContext(ctx, runtime),
  )
}

export function waitForInstance(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBInstance>,
): Promise<DBInstance> {
  const session = sessionFor(ctx, target.side)
  return waitFor(
    {
      resource: `DB instance ${target.id}`,
      side: target.side,
      accountId: session.accountId,
      describe: () => findInstance(session.clients.rds, target.id),
      status: (i) => i.DBInstanceStatus ?? 'unknown',
      until: target.until ?? ['available'],
      ready: target.ready,
    },
    waitContext(ctx, runtime),
  )
}

export function waitForClusterSnapshot(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBClusterSnapshot>,
): Promise<DBClusterSnapshot> {
  const session = sessionFor(ctx, target.side)
  return waitFor(
    {
      resource: `DB cluster snapshot ${target.id}`,
      side: target.side,
      accountId: session.accountId,
      describe: () => findClusterSnapshot(session.clients.rds, target.id),
      status: (s) => s.Status ?? 'unknown',
      progress: (s) => s.PercentProgress,
      until: target.until ?? ['available'],
      ready: target.ready,
    },
    waitContext(ctx, runtime),
  )
}

export function waitForSnapshot(
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBSnapshot>,
): Promise<DBSnapshot> {
  const session = sessionFor(ctx, target.side)
  return waitFor(
    {
      resource: `DB snapshot ${target.id}`,
      side: target.side,
      accountId: session.accountId,
      describe: () => findSnapshot(session.clients.rds, target.id),
      status: (s) => s.Status ?? 'unknown',
      progress: (s) => s.PercentProgress,
      until: target.until ?? ['available'],
      ready: target.ready,
    },
    waitContext(ctx, runtime),
  )
}
