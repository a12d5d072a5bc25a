import * as core from '@actions/core'
import type { DBCluster } from '@aws-sdk/client-rds'
import { pollOf, READERS, type ResourceReader } from '../../aws/rds-read.js'
import { runIdentity } from '../../aws/ownership.js'
import { removeResource } from '../../cleanup.js'
import type { Accounts, AccountSession } from '../../credentials.js'
import { waitFor } from '../../engine/wait.js'
import { ActionError, errorMessage } from '../../errors.js'
import { escapeHtml, headerRow } from '../../report.js'
import type { Settings } from '../../settings.js'
import { TagKeys } from '../../tags.js'
import { listClusters, readInventory, type AccountInventory } from '../../aws/rds-inventory.js'
import { managedShares, withdrawShare, type ManagedShare } from '../../aws/ram.js'
import { shareStillNeeded } from './shares.js'
import { decide, LEFTOVER_AGE_MS, type SweepDecision, type SweepItem } from './sweep-rules.js'

/** Deletions in flight at once: parallel, yet far below RDS's 12 requests a second. */
export const SWEEP_CONCURRENCY = 4

export interface SweepOptions {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly signal: AbortSignal
  readonly deadline: number
  readonly now: Date
}

/** What a sweep found: a decision for each RDS resource, and the shares judged once RDS is done. */
export interface SweepSurvey {
  readonly decisions: readonly SweepDecision[]
  readonly destinationClusters: readonly DBCluster[]
  /** Managed RAM shares in the source account; undefined when the job holds no source role. */
  readonly shares?: readonly ManagedShare[]
}

/** The source account is swept for leftovers only when the job holds a role there. */
const holdsSourceRole = (accounts: Accounts): boolean => !accounts.sameAccount

/** Read both accounts and decide, changing nothing (`operation: plan` shows exactly this). */
export async function surveySweep(options: SweepOptions): Promise<SweepSurvey> {
  const { accounts, settings, now } = options
  const sourceIdentifier =
    accounts.sameAccount || settings.source?.accountId === accounts.destination.accountId
      ? settings.source?.identifier
      : undefined
  const destination = await readAccount(accounts.destination)
  const decisions = itemsOf(destination, accounts.destination).map((item) =>
    decide(item, { now, sourceIdentifier }),
  )
  if (!holdsSourceRole(accounts)) {
    return { decisions, destinationClusters: destination.clusters }
  }
  const source = await readAccount(accounts.source)
  decisions.push(
    ...itemsOf(source, accounts.source).map((item) =>
      decide(item, { now, sourceIdentifier: settings.source?.identifier }),
    ),
  )
  const shares = await managedShares(accounts.source.clients.ram)
  return { decisions, destinationClusters: destination.clusters, shares }
}

async function readAccount(session: AccountSession): Promise<AccountInventory> {
  try {
    return await readInventory(session.clients.rds)
  } catch (error) {
    throw ActionError.fromAws(error, {
      summary: `Could not list the DB clusters, DB instances and snapshots of the ${session.role} account`,
      side: session.role,
      accountId: session.accountId,
      hint: 'The role needs rds:DescribeDBClusters, rds:DescribeDBInstances, rds:DescribeDBClusterSnapshots and rds:DescribeDBSnapshots.',
    })
  }
}

/** Every resource an account owns that can be deleted on its own (cluster members go with it). */
function itemsOf(inventory: AccountInventory, session: AccountSession): SweepItem[] {
  const base = { side: session.role, accountId: session.accountId }
  return [
    ...inventory.clusters.map((c) => ({
      ...base,
      kind: 'db-cluster' as const,
      id: c.DBClusterIdentifier ?? '',
      arn: c.DBClusterArn ?? '',
      tags: c.TagList ?? [],
      status: c.Status ?? 'unknown',
      createdAt: c.ClusterCreateTime,
      deletionProtection: c.DeletionProtection,
    })),
    ...inventory.instances
      .filter((i) => !i.DBClusterIdentifier)
      .map((i) => ({
        ...base,
        kind: 'db-instance' as const,
        id: i.DBInstanceIdentifier ?? '',
        arn: i.DBInstanceArn ?? '',
        tags: i.TagList ?? [],
        status: i.DBInstanceStatus ?? 'unknown',
        createdAt: i.InstanceCreateTime,
        deletionProtection: i.DeletionProtection,
      })),
    ...inventory.clusterSnapshots.map((s) => ({
      ...base,
      kind: 'db-cluster-snapshot' as const,
      id: s.DBClusterSnapshotIdentifier ?? '',
      arn: s.DBClusterSnapshotArn ?? '',
      tags: s.TagList ?? [],
      status: s.Status ?? 'unknown',
      createdAt: s.SnapshotCreateTime,
    })),
    ...inventory.snapshots.map((s) => ({
      ...base,
      kind: 'db-snapshot' as const,
      id: s.DBSnapshotIdentifier ?? '',
      arn: s.DBSnapshotArn ?? '',
      tags: s.TagList ?? [],
      status: s.Status ?? 'unknown',
      createdAt: s.SnapshotCreateTime,
    })),
  ]
}

/**
 * Decide about each managed RAM share once the RDS deletions are done (or, for a plan, as if
 * they were): a share goes when it is older than a day, is shared only with this destination,
 * and no clone in the destination uses it any more.
 */
export async function decideShares(
  survey: SweepSurvey,
  options: Pick<SweepOptions, 'accounts' | 'now'> & {
    destinationClusters: readonly DBCluster[]
    except: readonly string[]
  },
): Promise<SweepDecision[]> {
  const { accounts, now } = options
  const decisions: SweepDecision[] = []
  for (const share of survey.shares ?? []) {
    const item: SweepItem = {
      kind: 'resource-share',
      id: share.name,
      arn: share.arn,
      side: 'source',
      accountId: accounts.source.accountId,
      tags: [{ Key: TagKeys.managed, Value: 'true' }],
      status: share.status,
      createdAt: share.createdAt,
    }
    const keep = (reason: string): SweepDecision => ({ item, action: 'keep', reason })
    if (!share.principals.includes(accounts.destination.accountId)) {
      decisions.push(
        keep(
          `shared with ${share.principals.join(', ') || 'no account'}, not ${accounts.destination.accountId}: a sweep for that account decides`,
        ),
      )
      continue
    }
    const age = share.createdAt ? now.getTime() - share.createdAt.getTime() : 0
    if (age < LEFTOVER_AGE_MS) {
      decisions.push(keep('younger than a day: a refresh may be about to clone through it'))
      continue
    }
    const needed = await shareStillNeeded({
      share,
      source: accounts.source,
      destinationAccountId: accounts.destination.accountId,
      destinationClusters: options.destinationClusters,
      except: options.except,
    })
    decisions.push(
      needed
        ? keep(needed)
        : { item, action: 'delete', reason: 'no copy in the destination uses it any more' },
    )
  }
  return decisions
}

/** One row of the report: the decision and, once the sweep ran, what happened. */
export interface SweepOutcome {
  readonly decision: SweepDecision
  readonly result: 'deleted' | 'kept' | 'failed' | 'would delete'
  readonly error?: string
}

/** `operation: sweep`: survey, delete what is due (a few at a time), then the unused shares. */
export async function runSweep(options: SweepOptions): Promise<void> {
  const { accounts } = options
  const survey = await core.group('Survey the managed resources', () => surveySweep(options))
  const due = survey.decisions.filter((d) => d.action === 'delete')
  core.info(`${due.length} resource(s) to delete, ${survey.decisions.length - due.length} kept`)
  const outcomes = await core.group(
    `Delete ${due.length} resource(s), ${SWEEP_CONCURRENCY} at a time`,
    () => deleteAll(survey.decisions, options),
  )
  if (survey.shares) {
    const shareDecisions = await decideShares(survey, {
      ...options,
      // Read again: clones deleted above no longer hold their shares.
      destinationClusters: await listClusters(accounts.destination.clients.rds),
      except: [],
    })
    outcomes.push(...(await deleteAll(shareDecisions, options)))
  }
  await writeSweepSummary(
    `rds-refresh: sweep of ${accounts.destination.accountId}`,
    outcomes,
    options,
  )
  const failed = outcomes.filter((o) => o.result === 'failed')
  if (failed.length > 0) {
    throw new ActionError({
      summary: `sweep could not delete ${failed.length} resource(s): ${failed.map((o) => `${o.decision.item.kind} ${o.decision.item.id} (${o.error ?? 'unknown error'})`).join('; ')}`,
      side: 'destination',
      accountId: accounts.destination.accountId,
      hint: 'The job summary lists each failure; the next sweep retries them.',
    })
  }
}

async function deleteAll(
  decisions: readonly SweepDecision[],
  options: SweepOptions,
): Promise<SweepOutcome[]> {
  for (const d of decisions) {
    const verb = d.action === 'delete' ? 'delete' : 'keep'
    core.info(
      `${verb} ${d.item.kind} ${d.item.id} (${d.item.side} ${d.item.accountId}): ${d.reason}`,
    )
  }
  const outcomes: SweepOutcome[] = decisions.map((decision) => ({
    decision,
    result: 'kept',
  }))
  const queue = outcomes
    .map((o, index) => ({ o, index }))
    .filter(({ o }) => o.decision.action === 'delete')
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { o, index } = next
      try {
        await deleteOne(o.decision.item, options)
        outcomes[index] = { decision: o.decision, result: 'deleted' }
        core.info(`Deleted ${o.decision.item.kind} ${o.decision.item.id}`)
      } catch (error) {
        outcomes[index] = { decision: o.decision, result: 'failed', error: errorMessage(error) }
        core.warning(
          `Could not delete ${o.decision.item.kind} ${o.decision.item.id}: ${errorMessage(error)}`,
          { title: 'rds-refresh sweep: not deleted' },
        )
      }
    }
  }
  await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker))
  return outcomes
}

/** Delete one resource the survey proved managed, and wait until AWS reports it gone. */
async function deleteOne(item: SweepItem, options: SweepOptions): Promise<void> {
  const session = item.side === 'source' ? options.accounts.source : options.accounts.destination
  if (item.kind === 'resource-share') {
    await withdrawShare(session.clients.ram, item.arn)
    return
  }
  const log = { info: core.info, warning: core.warning, debug: core.debug }
  const poll = {
    pollSeconds: options.settings.pollIntervalSeconds,
    deadline: options.deadline,
    signal: options.signal,
  }
  // The sweep decided from the managed tag; the removal checks it again on the resource itself.
  const removal = await removeResource(
    { kind: item.kind, side: item.side, id: item.id, disposal: 'copy' },
    session.clients,
    {
      run: runIdentity(options.settings.run, options.settings.target),
      proof: 'managed',
      settle: { log, accountId: session.accountId, ...poll },
    },
  )
  if (removal.result === 'not-ours') {
    throw new ActionError({
      summary: `${item.kind} ${item.id} is not managed by rds-refresh (${removal.owner}); left untouched`,
      resource: item.id,
      side: item.side,
      accountId: session.accountId,
    })
  }
  const reader = READERS[item.kind] as ResourceReader<unknown>
  await waitFor(
    {
      ...pollOf(reader, session.clients.rds, item.id),
      side: item.side,
      accountId: session.accountId,
      until: 'gone',
    },
    { step: 'sweep', log, ...poll },
  )
}

const RESULT_MARK: Record<SweepOutcome['result'], string> = {
  deleted: '🗑 deleted',
  kept: 'kept',
  failed: '❌ failed',
  'would delete': '🗑 would delete',
}

/** The summary table: every resource looked at, what happened to it and why. */
export async function writeSweepSummary(
  title: string,
  outcomes: readonly SweepOutcome[],
  options: Pick<SweepOptions, 'settings'>,
): Promise<void> {
  const count = (result: SweepOutcome['result']) =>
    outcomes.filter((o) => o.result === result).length
  const summary = core.summary.addHeading(title, 2)
  const counts = (
    [
      ['deleted', 'deleted'],
      ['would delete', 'would be deleted'],
      ['kept', 'kept'],
      ['failed', 'failed'],
    ] as const
  )
    .filter(([result]) => result === 'kept' || count(result) > 0)
    .map(([result, label]) => `${count(result)} ${label}`)
  summary.addRaw(`<p>Region ${options.settings.region}: ${counts.join(', ')}.</p>`, true)
  if (outcomes.length > 0) {
    summary.addTable([
      headerRow('Resource', 'Kind', 'Account', 'Result', 'Why'),
      ...outcomes.map((o) => [
        escapeHtml(o.decision.item.id),
        o.decision.item.kind,
        `${o.decision.item.side} ${o.decision.item.accountId}`,
        RESULT_MARK[o.result],
        escapeHtml(o.error ? `${o.decision.reason}; ${o.error}` : o.decision.reason),
      ]),
    ])
  }
  await summary.write()
}
