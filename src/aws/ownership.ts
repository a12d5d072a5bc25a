import type { RDSClient, Tag } from '@aws-sdk/client-rds'
import type { ResourceKind } from '../engine/types.js'
import { ActionError } from '../errors.js'
import type { RunContext } from '../settings.js'
import { isManaged, Purpose, runIdOf, TagKeys } from '../tags.js'
import { readInventory } from './rds-inventory.js'
import { READERS } from './rds-read.js'

/**
 * Whether a resource is the action's own, proven by its AWS tags and never by its name. Every
 * Modify, Delete and unshare of a resource the action did not just read goes through one of the
 * predicates here (cleanup.ts checks them before it removes anything, provision.ts before it
 * adopts), so no step can forget it.
 */

/** Who is asking: this run's `rds-refresh:run-id` and the target it refreshes (if any). */
export interface RunIdentity {
  /** `<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>`, `local-1` outside GitHub Actions. */
  readonly runId: string
  /** The target as the run names it; compared in lower case. */
  readonly target?: string
}

export function runIdentity(run: RunContext, target?: string): RunIdentity {
  return { runId: runIdOf(run), target: target || undefined }
}

export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return (tags ?? []).find((tag) => tag.Key === key)?.Value
}

export { isManaged }

/**
 * "This run made it": managed, this run's id and attempt, and this run's target. The target
 * matters because the jobs of one workflow run (a matrix over targets) share the run id and
 * attempt: one job must never adopt or remove what a sibling job made for another target.
 */
export function madeByRun(tags: readonly Tag[] | undefined, run: RunIdentity): boolean {
  return (
    isManaged(tags) &&
    tagValue(tags, TagKeys.runId) === run.runId &&
    tagValue(tags, TagKeys.target) === run.target?.toLowerCase()
  )
}

/**
 * "The hand-off made for this target": a snapshot a source-phase job of the same workflow run
 * made for this target. The attempt is ignored: re-running only the destination job gives it a
 * new attempt number, and the hand-off of the first attempt is still the one it was meant for.
 */
export function isHandoffFor(tags: readonly Tag[] | undefined, run: RunIdentity): boolean {
  const target = tagValue(tags, TagKeys.target)
  const runId = tagValue(tags, TagKeys.runId)
  return (
    isManaged(tags) &&
    tagValue(tags, TagKeys.purpose) === Purpose.handoff &&
    run.target !== undefined &&
    target === run.target.toLowerCase() &&
    runId !== undefined &&
    workflowRunOf(runId) === workflowRunOf(run.runId)
  )
}

/** `4242-3` → `4242`: the workflow run, whatever the attempt. */
function workflowRunOf(runId: string): string {
  return runId.replace(/-\d+$/, '')
}

/**
 * Which proof a removal needs: made by this run, the hand-off made for this target, or (for
 * `sweep` and `delete`, which act on what the action manages) the managed tag alone.
 */
export type Proof = 'run' | 'handoff' | 'managed'

export function proves(proof: Proof, tags: readonly Tag[] | undefined, run: RunIdentity): boolean {
  if (proof === 'managed') return isManaged(tags)
  return proof === 'handoff' ? isHandoffFor(tags, run) : madeByRun(tags, run)
}

/** How a proof reads in a message. */
export function describeProof(proof: Proof, run: RunIdentity): string {
  if (proof === 'managed') return `managed by rds-refresh (${TagKeys.managed}=true)`
  return proof === 'handoff'
    ? `a hand-off snapshot made for target ${run.target ?? '(none)'} by workflow run ${workflowRunOf(run.runId)}`
    : `made by this run (${TagKeys.managed}=true, ${TagKeys.runId}=${run.runId}, ${TagKeys.target}=${run.target?.toLowerCase() ?? '(none)'})`
}

/**
 * The one ownership check for an existing copy: reuse, replace and delete act only on a resource
 * carrying this action's managed tag, read from the resource itself in the destination account.
 * Ownership is never inferred from a name.
 */
export function requireManaged(options: {
  target: string
  tags: readonly Tag[] | undefined
  where: { resource: string; side: 'destination'; accountId: string }
  purpose: 'reuse' | 'replace' | 'delete'
}): void {
  if (isManaged(options.tags)) return
  const { target, where, purpose } = options
  throw new ActionError({
    summary: `Target ${target} exists but was not created by rds-refresh (no ${TagKeys.managed}=true tag), so it is left untouched: ${purpose} acts only on copies carrying that tag`,
    ...where,
    hint:
      purpose === 'delete'
        ? 'The action deletes only copies it manages. Check the target name; delete a database the action did not create yourself.'
        : 'Choose another target name; the action only reuses, replaces or deletes copies it manages (tagged rds-refresh:managed=true by the run that made them).',
  })
}

/** What tags say about whose a resource is, for messages. */
export function describeOwner(tags: readonly Tag[] | undefined): string {
  if (!isManaged(tags)) return `no ${TagKeys.managed}=true tag`
  const runId = tagValue(tags, TagKeys.runId)
  return runId ? `made by run ${runId}` : `no ${TagKeys.runId} tag`
}

/** The RDS resource that carries a kind's tags: a snapshot share's tags are its snapshot's. */
const TAGGED_KIND: Partial<Record<ResourceKind, keyof typeof READERS>> = {
  'db-cluster': 'db-cluster',
  'db-instance': 'db-instance',
  'db-snapshot': 'db-snapshot',
  'db-cluster-snapshot': 'db-cluster-snapshot',
  'db-snapshot-share': 'db-snapshot',
  'db-cluster-snapshot-share': 'db-cluster-snapshot',
}

/**
 * The tags of an RDS resource, read from its describe (every RDS describe carries TagList);
 * undefined when it does not exist. A RAM share answers no tags: the action keeps its shares
 * (methods/clone/ram-share.ts) and never removes one.
 */
export async function tagsOf(
  rds: RDSClient,
  kind: ResourceKind,
  id: string,
): Promise<Tag[] | undefined> {
  const readerKind = TAGGED_KIND[kind]
  if (!readerKind) return []
  const found = (await READERS[readerKind].find(rds, id)) as { TagList?: Tag[] } | undefined
  return found ? (found.TagList ?? []) : undefined
}

/** A resource found by its tags, with what they say it is for. */
export interface TaggedResource {
  readonly kind: 'db-cluster' | 'db-instance' | 'db-snapshot' | 'db-cluster-snapshot'
  readonly id: string
  readonly purpose?: string
}

/**
 * Everything in one account that this run made, found by its tags rather than by any record:
 * the DB clusters, DB instances outside clusters and manual snapshots of both kinds whose tags prove it
 * (`madeByRun`). It finds what a run created but never got to record (an answer lost, the process
 * killed).
 */
export async function findRunResources(
  rds: RDSClient,
  run: RunIdentity,
): Promise<TaggedResource[]> {
  const found: TaggedResource[] = []
  const keep = (kind: TaggedResource['kind'], id: string | undefined, tags?: Tag[]): void => {
    if (id && madeByRun(tags, run)) {
      found.push({ kind, id, purpose: tagValue(tags, TagKeys.purpose) })
    }
  }
  const inventory = await readInventory(rds)
  // A cluster's members go with their cluster (whose removal deletes Aurora members first; a
  // Multi-AZ cluster's members cannot be deleted on their own).
  for (const i of inventory.instances) {
    if (!i.DBClusterIdentifier) keep('db-instance', i.DBInstanceIdentifier, i.TagList)
  }
  for (const c of inventory.clusters) keep('db-cluster', c.DBClusterIdentifier, c.TagList)
  for (const s of inventory.snapshots) keep('db-snapshot', s.DBSnapshotIdentifier, s.TagList)
  for (const s of inventory.clusterSnapshots) {
    keep('db-cluster-snapshot', s.DBClusterSnapshotIdentifier, s.TagList)
  }
  return found
}
