import type { DBCluster, DBClusterSnapshot, DBInstance, DBSnapshot } from '@aws-sdk/client-rds'
import {
  pollOf,
  READERS,
  type RdsKind,
  type RdsResources,
  type ResourceReader,
} from '../../aws/rds-read.js'
import type { AccountSide, StepRuntime } from '../../engine/types.js'
import { stepWaitContext, waitFor } from '../../engine/wait.js'
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

/** Wait for one RDS resource of the run, on its side's account, with the run's polling. */
function waitForResource<T>(
  reader: ResourceReader<T>,
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<T>,
): Promise<T> {
  const session = sessionFor(ctx, target.side)
  return waitFor(
    {
      ...pollOf(reader, session.clients.rds, target.id),
      side: target.side,
      accountId: session.accountId,
      progress: reader.progress ? (item) => reader.progress?.(item) : undefined,
      until: target.until ?? ['available'],
      ready: target.ready,
    },
    stepWaitContext(runtime, ctx.settings.pollIntervalSeconds),
  )
}

/** Wait for one RDS resource of the run, of any kind the action creates. */
export const waitForKind = <K extends RdsKind>(
  kind: K,
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<RdsResources[K]>,
): Promise<RdsResources[K]> => waitForResource(READERS[kind], ctx, runtime, target)

export const waitForCluster = (
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBCluster>,
): Promise<DBCluster> => waitForResource(READERS['db-cluster'], ctx, runtime, target)

export const waitForInstance = (
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBInstance>,
): Promise<DBInstance> => waitForResource(READERS['db-instance'], ctx, runtime, target)

export const waitForClusterSnapshot = (
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBClusterSnapshot>,
): Promise<DBClusterSnapshot> =>
  waitForResource(READERS['db-cluster-snapshot'], ctx, runtime, target)

export const waitForSnapshot = (
  ctx: RefreshContext,
  runtime: StepRuntime,
  target: WaitTarget<DBSnapshot>,
): Promise<DBSnapshot> => waitForResource(READERS['db-snapshot'], ctx, runtime, target)
