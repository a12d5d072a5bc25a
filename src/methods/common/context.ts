import type { AccountSession, Accounts } from '../../credentials.js'
import { StepValue } from '../../engine/step-value.js'
import type { RefreshReport } from '../../report.js'
import type { CopyResult, CopyMethod } from '../../result.js'
import type { Settings } from '../../settings.js'
import type { Tag } from '@aws-sdk/client-rds'
import type { SourceDatabase } from './detect.js'
import type { PhaseStart } from './phases.js'
import type { AccountSide } from '../../engine/types.js'
import { runIdentity, type RunIdentity } from '../../aws/ownership.js'
import { managedTags, resourceTags, type Purpose } from '../../tags.js'
import { runNames } from '../../names.js'
import { chooseMultiAzPath, type MultiAzPathChoice } from '../relay/multiaz-path.js'
import { withClusterSnapshotName } from '../relay/names.js'

/**
 * Everything a method's steps share. Steps read settings, accounts and the source; what one step
 * learns for later steps goes through the typed `values`, and describe-copy's view of the copy
 * becomes the outputs.
 */
export interface RefreshContext {
  readonly settings: Settings
  readonly source: AccountSession
  readonly destination: AccountSession
  /** Both sides resolve to the same AWS account: no sharing, no KMS hand-off. */
  readonly sameAccount: boolean
  /** What the source is, read once before planning. */
  readonly sourceDb: SourceDatabase
  readonly method: CopyMethod
  /** Names of everything this run creates, derived from the run so a re-run finds them. */
  readonly names: RunNames
  /** Tags for everything this run creates (managed marker, repository, run, source, expiry). */
  readonly tags: readonly Tag[]
  /** What the copy is: a DB cluster (Aurora, Multi-AZ) or a DB instance, as its source. */
  readonly copyKind: CopyResult['kind']
  /** When the copy expires (`ttl`), as its tags say. */
  readonly expiresAt?: Date
  /** What steps hand to later steps. */
  readonly values: RefreshValues
  /**
   * Multi-AZ DB cluster sources: the relay's path, chosen before the run (not by a step) and
   * turned once by a refusal from AWS; the steps' `when` reads it.
   */
  readonly multiAzPath?: MultiAzPathChoice
}

/** What the steps of a refresh hand to later steps, each set by the step named. */
export interface RefreshValues {
  /** share-source → accept-share: the clone's RAM share, and whether an invitation is sent. */
  readonly resourceShare: StepValue<{ readonly arn: string; readonly external: boolean }>
  /** The snapshot that crosses accounts: taken by the source side, or the snapshot-arn input. */
  readonly sharedSnapshotArn: StepValue<string>
  /** delete-shared-snapshot → the outputs: the run removed the shared snapshot. */
  readonly sharedSnapshotDeleted: StepValue<true>
  /** copy-snapshot → restore: the destination's copy, or the shared snapshot when none is made. */
  readonly restoreFrom: StepValue<string>
  /** copy-snapshot → delete-copied-snapshot: the destination's copy, when one was made. */
  readonly destinationCopyId: StepValue<string>
  /** set-password → describe-copy: the RDS-managed secret (master-password: secrets-manager). */
  readonly masterUserSecretArn: StepValue<string>
  /** describe-copy → the outputs: the finished copy. */
  readonly copy: StepValue<CopyResult>
}

/** Empty values for a new run; a destination-phase job starts from the snapshot handed to it. */
export function refreshValues(settings: Pick<Settings, 'phase' | 'snapshotArn'>): RefreshValues {
  const values: RefreshValues = {
    resourceShare: new StepValue('the resource share'),
    sharedSnapshotArn: new StepValue('the ARN of the shared snapshot'),
    sharedSnapshotDeleted: new StepValue('the removal of the shared snapshot'),
    restoreFrom: new StepValue('the snapshot the restore reads'),
    destinationCopyId: new StepValue("the destination's copy of the snapshot"),
    masterUserSecretArn: new StepValue('the master user secret'),
    copy: new StepValue('the finished copy'),
  }
  if (settings.phase === 'destination' && settings.snapshotArn) {
    values.sharedSnapshotArn.set(settings.snapshotArn)
  }
  return values
}

/** The refresh as the outputs report it: the finished copy, and the snapshot handed over. */
export function refreshReport(ctx: RefreshContext): RefreshReport {
  // The snapshot-arn output names only a snapshot that still exists.
  const snapshotArn = ctx.values.sharedSnapshotDeleted.peek()
    ? undefined
    : ctx.values.sharedSnapshotArn.peek()
  return {
    settings: ctx.settings,
    method: ctx.method,
    copy: { ...ctx.values.copy.peek(), ...(snapshotArn && { snapshotArn }) },
    ...(ctx.multiAzPath && { multiAzPath: ctx.multiAzPath }),
  }
}

export interface RunNames {
  /** The copy, as the user named it. */
  readonly target: string
  /** Instances of an Aurora copy: `<target>-1`, `<target>-2`, ... */
  instance(index: number): string
  /** Intermediates: `rds-refresh-<run id>-<attempt>-<what>`. */
  readonly sourceClusterSnapshot: string
  readonly tempInstance: string
  readonly sourceSnapshot: string
  /** The destination's copy of the shared snapshot (named after this run, not the hand-off). */
  readonly destinationSnapshot: string
}

export function sessionFor(ctx: RefreshContext, side: AccountSide): AccountSession {
  return side === 'source' ? ctx.source : ctx.destination
}

/** This run as the ownership proofs see it: its run id and its target. */
export function runOf(ctx: RefreshContext): RunIdentity {
  return runIdentity(ctx.settings.run, madeFor(ctx))
}

/**
 * The target a resource is made for: the user's, also while a replace builds the copy under a
 * temporary name, so the post step (which knows only the input) proves the same run and target.
 */
function madeFor(ctx: RefreshContext): string {
  return ctx.settings.target ?? ctx.names.target
}

/** Tags for one create call: the run's tags, the resource's purpose, and the target. */
export function tagsFor(ctx: RefreshContext, purpose: Purpose): Tag[] {
  return resourceTags(ctx.tags, { purpose, target: madeFor(ctx) })
}

/** What a refresh (or its plan) starts from, once the source is read and the method chosen. */
export interface RefreshStart extends PhaseStart {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly target: string
  /** Epoch ms the run started: the expiry (`ttl`) counts from it. */
  readonly startedAt: number
}

/** The context every step of a refresh shares, with the run's names and tags. */
export function createRefreshContext(start: RefreshStart): RefreshContext {
  const { settings, accounts, sourceDb, method } = start
  const { tags, expiresAt } = managedTags({
    settings,
    sourceArn: sourceDb.arn,
    now: new Date(start.startedAt),
  })
  return {
    settings,
    source: accounts.source,
    destination: accounts.destination,
    sameAccount: start.sameAccount,
    sourceDb,
    method,
    names: withClusterSnapshotName(runNames(start.target, settings.run), sourceDb),
    tags,
    copyKind: sourceDb.kind === 'instance' ? 'instance' : 'cluster',
    expiresAt,
    values: refreshValues(settings),
    multiAzPath: chooseMultiAzPath({ settings, sourceDb, sameAccount: start.sameAccount }),
  }
}
