import type { AwsClients } from './aws/clients.js'
import { describeOwner, proves, tagsOf, type Proof, type RunIdentity } from './aws/ownership.js'
import { pollOf, READERS, type ResourceReader } from './aws/rds-read.js'
import { REMOVERS } from './aws/removers.js'
import type { CreatedResource, StepLog } from './engine/types.js'
import { FAILURE_STATUSES, waitFor } from './engine/wait.js'
import { isAlreadyDeleting, isNotFound } from './aws/error-codes.js'

/** How to wait when AWS cannot delete a resource yet (a cluster still `creating`). */
export interface SettleOptions {
  readonly log: StepLog
  readonly pollSeconds: number
  readonly deadline: number
  readonly signal?: AbortSignal
  readonly accountId: string
}

/** Whose resource a removal may touch: this run's, or (proof `handoff`) the hand-off for its target. */
export interface RemovalOptions {
  readonly run: RunIdentity
  /** Default `run`: managed tag and this run's id. */
  readonly proof?: Proof
  /** First wait until AWS accepts a deletion (a cluster still being created, a snapshot being taken). */
  readonly settle?: SettleOptions
}

/**
 * What a removal did: AWS accepted the deletion (or unshare), the resource was already gone, or
 * its tags do not prove it is ours and it was left untouched (`owner` says whose it is).
 */
export type RemovalOutcome =
  { readonly result: 'removed' | 'gone' } | { readonly result: 'not-ours'; readonly owner: string }

/**
 * Remove one resource the action created, after proving from its tags that it is ours (a snapshot
 * share by its snapshot's tags): nothing else is ever modified or deleted. Idempotent: a resource
 * already gone (or being deleted) counts as removed. Returns once AWS has accepted the deletion.
 */
export async function removeResource(
  resource: CreatedResource,
  clients: AwsClients,
  options: RemovalOptions,
): Promise<RemovalOutcome> {
  try {
    const tags = await tagsOf(clients.rds, resource.kind, resource.id)
    if (tags === undefined) return { result: 'gone' }
    if (!proves(options.proof ?? 'run', tags, options.run)) {
      return { result: 'not-ours', owner: describeOwner(tags) }
    }
    if (options.settle) await untilDeletable(resource, clients, options.settle)
    await REMOVERS[resource.kind](resource, clients)
    return { result: 'removed' }
  } catch (error) {
    if (isNotFound(error) || isAlreadyDeleting(error)) return { result: 'gone' }
    throw error
  }
}

/** Statuses from which AWS accepts a deletion. A copying snapshot may be deleted (the copy stops). */
const DELETABLE = ['available', 'stopped', 'copying', ...FAILURE_STATUSES]

async function untilDeletable(
  resource: CreatedResource,
  { rds }: AwsClients,
  settle: SettleOptions,
): Promise<void> {
  const reader = readerFor(resource.kind)
  if (!reader) return
  await waitFor(
    {
      ...pollOf(reader, rds, resource.id),
      resource: `${resource.kind} ${resource.id}`,
      side: resource.side,
      accountId: settle.accountId,
      until: DELETABLE,
      failOn: [],
    },
    {
      step: 'cleanup',
      log: settle.log,
      signal: settle.signal ?? new AbortController().signal,
      deadline: settle.deadline,
      pollSeconds: settle.pollSeconds,
    },
  ).catch((error: unknown) => {
    // Gone while waiting counts as removed.
    if (error instanceof Error && /disappeared/.test(error.message)) return
    throw error
  })
}

/** The reader of a kind whose status decides when AWS accepts a deletion; shares have none. */
function readerFor(kind: CreatedResource['kind']): ResourceReader<unknown> | undefined {
  return kind in READERS
    ? (READERS[kind as keyof typeof READERS] as unknown as ResourceReader<unknown>)
    : undefined
}

/** The AWS CLI command that removes a resource, for the summary after a failure. */
export function removalCommand(resource: CreatedResource, region: string): string {
  const r = `--region ${region}`
  switch (resource.kind) {
    case 'db-instance':
      return `aws rds delete-db-instance --db-instance-identifier ${resource.id} --skip-final-snapshot ${r}`
    case 'db-cluster':
      return `aws rds delete-db-cluster --db-cluster-identifier ${resource.id} --skip-final-snapshot ${r}  # delete its instances first`
    case 'db-cluster-snapshot':
      return `aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier ${resource.id} ${r}`
    case 'db-snapshot':
      return `aws rds delete-db-snapshot --db-snapshot-identifier ${resource.id} ${r}`
    case 'db-snapshot-share':
      return `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ${resource.id} --attribute-name restore --values-to-remove ${resource.sharedWith ?? '<account>'} ${r}`
    case 'db-cluster-snapshot-share':
      return `aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier ${resource.id} --attribute-name restore --values-to-remove ${resource.sharedWith ?? '<account>'} ${r}`
    case 'resource-share':
      return `aws ram delete-resource-share --resource-share-arn ${resource.id} ${r}`
  }
}
