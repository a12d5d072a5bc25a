import type { Proof } from '../aws/ownership.js'
/**
 * A refresh is a plan: named steps with dependencies, run by one engine (engine.ts). Methods
 * (clone, relays, delete) describe the AWS procedure as steps; waiting, state, cancel, timing and
 * reporting live in the engine.
 */

export type AccountSide = 'source' | 'destination'

/** Kinds of resource the action creates, each with its own removal (cleanup.ts). */
export type ResourceKind =
  | 'db-cluster'
  | 'db-instance'
  | 'db-cluster-snapshot'
  | 'db-snapshot'
  | 'db-cluster-snapshot-share'
  | 'db-snapshot-share'
  | 'resource-share'

/**
 * What happens to a created resource when the run ends:
 * - `temporary`: an intermediate; removed at the end whatever happens (unless kept on purpose).
 * - `copy`: the database the user asked for; kept on success, removed when the run fails.
 * - `handoff`: the snapshot (and its share) a source-phase job hands to the destination job; kept
 *   when the job succeeds, removed like a copy when it does not.
 * - `kept`: created on purpose to outlive the run (e.g. snapshots with keep-snapshots).
 * - `retired`: the copy a replace swapped out (made by an earlier run), whose deletion the run
 *   starts; the post step waits until AWS has removed it, and deletes it if the run could not.
 */
export type Disposal = 'temporary' | 'copy' | 'handoff' | 'kept' | 'retired'

export interface CreatedResource {
  readonly kind: ResourceKind
  readonly side: AccountSide
  /** Identifier, or ARN for shares. */
  readonly id: string
  readonly disposal: Disposal
  /** For snapshot shares: the account the snapshot is shared with. */
  readonly sharedWith?: string
  /**
   * Recorded just before the create call ("about to create"): the resource may or may not exist.
   * Cleared once the call returns. Whoever removes it first proves it is this run's.
   */
  readonly intent?: boolean
  /**
   * The proof its removal needs (aws/ownership.ts); default `run`, made by this run. The copy a
   * replace swapped out was made by an earlier run: `managed`.
   */
  readonly proof?: Proof
}

export interface StepLog {
  info(message: string): void
  /**
   * A line worth seeing as it happens even while the step's other lines are held back because
   * steps overlap (its start, status changes, heartbeats); `info` where no one holds lines back.
   */
  progress?(message: string): void
  warning(message: string): void
  debug(message: string): void
}

/** What the engine hands every step besides the method's own context. */
export interface StepRuntime {
  readonly name: string
  readonly log: StepLog
  /** Aborted when the run is cancelled, times out, or a sibling step failed. */
  readonly signal: AbortSignal
  /** Epoch ms by which the whole run must end. */
  readonly deadline: number
  /** Record a resource the moment its create call returns (saved for the post step). */
  record(resource: CreatedResource): void
  /** The resource is gone (the plan removed it itself) or handed over. */
  release(resource: Pick<CreatedResource, 'kind' | 'side' | 'id'>): void
  /** A short remark shown in the summary's step table (e.g. "reused", "3 instances"). */
  note(text: string): void
}

export interface Step<C> {
  /** kebab-case; shown in the log, the summary and errors. */
  readonly name: string
  /** One line saying what the step does, for the log and `operation: plan`. */
  readonly title: string
  readonly side: AccountSide
  /** Steps that must succeed first; steps with no path between them run concurrently. */
  readonly after?: readonly string[]
  /**
   * When false, the step is left out of the run (shown as skipped). Asked once the steps it
   * comes `after` are done, so it may read what they learned.
   */
  readonly when?: (ctx: C) => boolean
  run(ctx: C, runtime: StepRuntime): Promise<void>
}

export interface Plan<C> {
  /** What the plan does, e.g. "Aurora copy-on-write clone". */
  readonly description: string
  readonly steps: readonly Step<C>[]
}

export type StepStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'not-run'

export interface StepReport {
  readonly name: string
  readonly title: string
  readonly side: AccountSide
  readonly status: StepStatus
  readonly startedAt?: Date
  readonly endedAt?: Date
  readonly notes: readonly string[]
}
