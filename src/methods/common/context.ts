import type { AccountSession, Accounts } from '../../credentials.js'
import type { CopyResult, CopyMethod } from '../../result.js'
import type { Settings } from '../../settings.js'
import type { Tag } from '@aws-sdk/client-rds'
import type { SourceDatabase } from './detect.js'
import type { AccountSide } from '../../engine/types.js'
import { runIdentity, type RunIdentity } from '../../aws/ownership.js'
import { managedTags, resourceTags, type Purpose } from '../../tags.js'
import { runNames } from '../../names.js'
import { chooseMultiAzPath, type MultiAzPathChoice } from '../relay/multiaz-path.js'
import { withClusterSnapshotName } from '../relay/names.js'

/**
 * Everything a method's steps share. Steps read settings, accounts and the source, and fill
 * `copy` as they learn about the copy; the last step's view of the copy becomes the outputs.
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
  /** Filled by the steps as they learn about the copy. */
  readonly copy: CopyDraft
  /** Values steps hand to later steps (snapshot ARNs, share ARNs). */
  readonly handoff: Map<string, string>
  /** Multi-AZ DB cluster sources: the relay's path, which a refusal by AWS may turn once. */
  readonly multiAzPath?: MultiAzPathChoice
}

/** The copy as the steps fill it in; complete once the last step has run. */
export type CopyDraft = { -readonly [K in keyof CopyResult]?: CopyResult[K] }

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
export interface RefreshStart {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly sourceDb: SourceDatabase
  readonly sameAccount: boolean
  readonly method: CopyMethod
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
    copy: {
      method,
      created: true,
      expiresAt,
      kind: sourceDb.kind === 'instance' ? 'instance' : 'cluster',
    },
    handoff: new Map(),
    multiAzPath: chooseMultiAzPath({ settings, sourceDb, sameAccount: start.sameAccount }),
  }
}
