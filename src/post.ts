import * as core from '@actions/core'
import { removeResource, removalCommand } from './cleanup.js'
import { openAccounts, type Accounts } from './credentials.js'
import { credentialSettings } from './methods/phases.js'
import type { CreatedResource } from './engine/types.js'
import { boundSignal, deadlinePassed, raceSignal, stopReason } from './engine/deadline.js'
import { leftForPostStep } from './engine/ledger.js'
import { errorMessage } from './errors.js'
import { getSettings } from './inputs.js'
import type { Settings } from './settings.js'
import { loadOutcome, loadResources, saveResources } from './state.js'

/**
 * The post step's own bound, at most: long enough for AWS to accept every deletion (seconds),
 * and to wait for a resource still being created until it can be deleted; short enough that a
 * hung call or a resource stuck in `creating` cannot hold the job. What is not removed by then
 * is reported with its removal command (and carries the managed tags and expiry for sweep).
 */
export const POST_STEP_MAX_MINUTES = 30

/** The post step's bound: as long as the main step's `timeout-minutes`, at most 30 minutes. */
export function postStepMinutes(settings: Pick<Settings, 'timeoutMinutes'>): number {
  return Math.min(settings.timeoutMinutes, POST_STEP_MAX_MINUTES)
}

/**
 * The post step (`post-if: always()`): remove what the main step left. Temporary resources always
 * go; the copy itself goes only when the main step did not succeed. Anything that cannot be
 * removed within the post step's bound is reported with the command that removes it; the post
 * step never fails the job.
 */
export async function runPost(): Promise<void> {
  const outcome = loadOutcome()
  const resources = loadResources()
  const toRemove = leftForPostStep(resources, outcome)
  if (toRemove.length === 0) {
    core.info('Nothing to clean up.')
    return
  }
  core.info(
    `The main step ${outcome ?? 'did not finish'}; removing ${toRemove.length} resource(s) it created.`,
  )
  const settings = getSettings()
  const minutes = postStepMinutes(settings)
  const bound = boundSignal({
    deadline: Date.now() + minutes * 60_000,
    reason: () => deadlinePassed(`the post step's ${minutes}-minute bound`),
  })
  try {
    await removeAll({
      settings,
      resources,
      toRemove,
      signal: bound.signal,
      deadline: bound.deadline,
    })
  } finally {
    bound.dispose()
  }
}

interface Removal {
  readonly settings: Settings
  /** Everything the main step recorded; what is removed leaves the saved list. */
  readonly resources: readonly CreatedResource[]
  readonly toRemove: readonly CreatedResource[]
  readonly signal: AbortSignal
  readonly deadline: number
}

async function removeAll(removal: Removal): Promise<void> {
  const { settings, signal } = removal
  const remaining = [...removal.resources]
  const failures: string[] = []
  const fail = (resource: CreatedResource, reason: string): void => {
    failures.push(`${removalCommand(resource, settings.region)}   # ${reason}`)
  }
  const why = (error: unknown): string => errorMessage(signal.aborted ? stopReason(signal) : error)
  // Reverse creation order: instances before their cluster, shares before their snapshots.
  const ordered = [...removal.toRemove].reverse()
  // The same roles the main step opened (a destination-phase job may hold only one).
  const accounts = await raceSignal(
    openAccounts(credentialSettings(settings), { signal }),
    signal,
  ).catch((error: unknown) => {
    for (const resource of ordered) fail(resource, `could not sign in: ${why(error)}`)
    return undefined
  })
  for (const resource of accounts ? ordered : []) {
    if (signal.aborted || !accounts) {
      fail(resource, `not attempted: ${why(undefined)}`)
      continue
    }
    try {
      const accountId = await removeOne(resource, accounts, removal)
      remaining.splice(remaining.indexOf(resource), 1)
      core.info(`Removed ${resource.kind} ${resource.id} (${resource.side} account ${accountId})`)
    } catch (error) {
      fail(resource, why(error))
    }
  }
  saveResources(remaining)
  if (failures.length > 0) {
    core.warning(
      `Could not remove ${failures.length} resource(s); remove them by hand:\n${failures.join('\n')}`,
    )
  }
}

/** Removes one resource within the post step's bound; returns the account it was removed from. */
async function removeOne(
  resource: CreatedResource,
  accounts: Accounts,
  { settings, signal, deadline }: Removal,
): Promise<string> {
  const session = resource.side === 'source' ? accounts.source : accounts.destination
  const removing = removeResource(resource, session.clients, {
    log: { info: core.info, warning: core.warning, debug: core.debug },
    pollSeconds: settings.pollIntervalSeconds,
    deadline,
    signal,
    accountId: session.accountId,
  })
  await raceSignal(removing, signal)
  return session.accountId
}
