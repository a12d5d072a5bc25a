import * as core from '@actions/core'
import { findRunResources, runIdentity, type RunIdentity } from './aws/ownership.js'
import { removeResource, removalCommand } from './cleanup.js'
import {
  credentialSettings,
  openAccounts,
  type AccountSession,
  type Accounts,
} from './credentials.js'
import type { AccountSide, CreatedResource, Disposal } from './engine/types.js'
import { boundSignal, deadlinePassed, raceSignal, stopReason } from './engine/deadline.js'
import { leftForPostStep } from './engine/ledger.js'
import { errorMessage } from './errors.js'
import { getSettings } from './inputs.js'
import type { Settings } from './settings.js'
import { loadOutcome, loadResources, saveResources, wasSignedIn } from './state.js'
import { Purpose } from './tags.js'
import { awaitRetired } from './retired.js'
import { escapeHtml } from './report.js'

/**
 * The post step's own bound, at most: long enough for AWS to accept every deletion (seconds),
 * and to wait for a resource still being created until it can be deleted; short enough that a
 * hung call or a resource stuck in `creating` cannot hold the job. What is not removed by then
 * is reported with its removal command (and carries the managed tags and expiry for sweep).
 */
export const POST_STEP_MAX_MINUTES = 30

/** The post step's bound: as long as the main step's `deadline-minutes`, at most 30 minutes. */
export function postStepMinutes(settings: Pick<Settings, 'timeoutMinutes'>): number {
  return Math.min(settings.timeoutMinutes, POST_STEP_MAX_MINUTES)
}

/**
 * The post step (`post-if: always()`): remove what the main step left. What this run made is the
 * union of the ledger (including intents: calls whose answer never came) and, when the main step
 * did not succeed, a look-up by this run's id tag in every account the job holds credentials
 * for. Intermediates always go; a copy or a source-phase hand-off only when the main step did
 * not succeed. Each removal first proves from the resource's tags that this run made it, so a
 * post step never removes what another run made. Anything that cannot be removed within the post
 * step's bound is reported with the command that removes it; the post step never fails the job.
 */
export async function runPost(): Promise<void> {
  const outcome = loadOutcome()
  const ledger = loadResources()
  // A main step that succeeded recorded everything it made (each create records its intent
  // first and every step finished); one that did not may have been cut off mid-call, once it
  // held credentials.
  const lookUp = outcome !== 'succeeded' && wasSignedIn()
  if (!lookUp && leftForPostStep(ledger, outcome).length === 0) {
    core.info('Nothing to clean up.')
    return
  }
  const settings = getSettings(process.env, { log: null })
  const minutes = postStepMinutes(settings)
  const bound = boundSignal({
    deadline: Date.now() + minutes * 60_000,
    reason: () => deadlinePassed(`the post step's ${minutes}-minute bound`),
  })
  try {
    await cleanUp({ settings, ledger, lookUp, signal: bound.signal, deadline: bound.deadline })
  } finally {
    bound.dispose()
  }
}

interface Cleanup {
  readonly settings: Settings
  /** Everything the main step recorded; what is removed leaves the saved list. */
  readonly ledger: readonly CreatedResource[]
  /** Also look this run's resources up by tag (the main step may have been cut off mid-call). */
  readonly lookUp: boolean
  readonly signal: AbortSignal
  readonly deadline: number
}

async function cleanUp(cleanup: Cleanup): Promise<void> {
  const { settings, ledger, signal } = cleanup
  const outcome = loadOutcome()
  const run = runIdentity(settings.run, settings.target)
  const why = (error: unknown): string => errorMessage(signal.aborted ? stopReason(signal) : error)
  // The same roles the main step opened (a destination-phase job may hold only one).
  let signInError: unknown
  const accounts = await raceSignal(
    openAccounts(credentialSettings(settings), { signal }),
    signal,
  ).catch((error: unknown) => {
    signInError = error
    return undefined
  })
  if (!accounts) {
    await reportFailures(
      settings,
      leftForPostStep(ledger, outcome).map((r) => [r, `could not sign in: ${why(signInError)}`]),
    )
    return
  }
  const remaining = [...ledger]
  const failures: [CreatedResource, string][] = []
  const remove = (resources: readonly CreatedResource[]) =>
    removeInWaves(resources, { accounts, run, cleanup, remaining, failures, why })
  // What the main step recorded goes first: a look-up whose calls hang must not cost it the bound.
  const known = leftForPostStep(ledger, outcome)
  const found = async () =>
    leftForPostStep(await untracked({ accounts, run, settings, ledger }), outcome)
  if (known.length > 0) {
    core.info(
      `The main step ${outcome ?? 'did not finish'}; removing ${known.length} resource(s) it created${known.some((r) => r.disposal === 'retired') ? ' or replaced' : ''}.`,
    )
    await remove(known)
  }
  const more = cleanup.lookUp && !signal.aborted ? await found() : []
  if (more.length > 0) {
    core.info(`Removing ${more.length} more resource(s) this run's tags name.`)
    await remove(more)
  }
  if (known.length + more.length === 0) core.info('Nothing to clean up.')
  saveResources(remaining)
  await reportFailures(settings, failures)
  // What is being deleted now is awaited last, so that nothing else waits on it.
  const retired = known.filter(
    (r) => r.disposal === 'retired' && !failures.some(([failed]) => failed === r),
  )
  if (retired.length > 0 && !signal.aborted) {
    await awaitRetired(retired, {
      destination: accounts.destination,
      region: settings.region,
      pollSeconds: settings.pollIntervalSeconds,
      signal,
      deadline: cleanup.deadline,
    })
  }
}

/** Removes one resource, proven this run's, within the post step's bound. */
async function removeOne(
  resource: CreatedResource,
  context: { accounts: Accounts; run: RunIdentity; cleanup: Cleanup },
): Promise<void> {
  const { accounts, run, cleanup } = context
  const session = sessionOf(accounts, resource.side)
  const where = `${resource.kind} ${resource.id} (${resource.side} account ${session.accountId})`
  const removing = removeResource(resource, session.clients, {
    run,
    ...(resource.proof && { proof: resource.proof }),
    settle: {
      log: { info: core.info, warning: core.warning, debug: core.debug },
      pollSeconds: cleanup.settings.pollIntervalSeconds,
      deadline: cleanup.deadline,
      signal: cleanup.signal,
      accountId: session.accountId,
    },
  })
  const removal = await raceSignal(removing, cleanup.signal)
  if (removal.result === 'not-ours') {
    core.info(`Left alone: ${where} was not made by this run (${removal.owner})`)
  } else if (removal.result === 'removed') {
    core.info(`Removed ${where}`)
  }
}

/**
 * Removes in waves: shares before their snapshots, instances before their clusters. Within a
 * wave the removals run side by side, so one resource whose calls hang cannot use up the post
 * step's bound before the others (a temporary instance holding production data above all) are
 * tried. What is removed leaves `remaining`; what is not goes to `failures`.
 */
async function removeInWaves(
  resources: readonly CreatedResource[],
  context: {
    accounts: Accounts
    run: RunIdentity
    cleanup: Cleanup
    remaining: CreatedResource[]
    failures: [CreatedResource, string][]
    why: (error: unknown) => string
  },
): Promise<void> {
  const { remaining, failures, why, cleanup } = context
  for (const wave of removalWaves(resources)) {
    await Promise.all(
      wave.map(async (resource) => {
        if (cleanup.signal.aborted) {
          failures.push([resource, `not attempted: ${why(undefined)}`])
          return
        }
        try {
          await removeOne(resource, context)
          if (remaining.includes(resource)) remaining.splice(remaining.indexOf(resource), 1)
        } catch (error) {
          failures.push([resource, why(error)])
        }
      }),
    )
  }
}

/** The order AWS accepts deletions in: what depends on a resource goes before it. */
const WAVES: readonly (readonly CreatedResource['kind'][])[] = [
  ['resource-share', 'db-snapshot-share', 'db-cluster-snapshot-share'],
  ['db-instance'],
  ['db-cluster'],
  ['db-snapshot', 'db-cluster-snapshot'],
]

export function removalWaves(resources: readonly CreatedResource[]): CreatedResource[][] {
  return WAVES.map((kinds) => resources.filter((r) => kinds.includes(r.kind))).filter(
    (wave) => wave.length > 0,
  )
}

async function reportFailures(
  settings: Settings,
  failures: readonly (readonly [CreatedResource, string])[],
): Promise<void> {
  if (failures.length === 0) return
  const lines = failures.map(([resource, reason]) => {
    // A replace's old copy is also found by sweep, from its purpose tag.
    const also =
      resource.disposal === 'retired'
        ? '; the old copy of a replace: operation: sweep also removes it'
        : ''
    return `${removalCommand(resource, settings.region)}   # ${reason}${also}`
  })
  const message = `Could not remove ${failures.length} resource(s); remove them by hand:\n${lines.join('\n')}`
  core.warning(message, { title: 'rds-refresh post step: left behind' })
  await core.summary
    .addHeading('rds-refresh post step: left behind', 3)
    .addCodeBlock(escapeHtml(lines.join('\n')), 'sh')
    .write()
}

function sessionOf(accounts: Accounts, side: AccountSide): AccountSession {
  return side === 'source' ? accounts.source : accounts.destination
}

/**
 * What this run made that the ledger does not know: found by its run-id and target tags in each
 * account the job can read (once when both sides are one account), with its purpose tag saying how
 * it goes. Intermediates only: a copy is created only after its intent is saved, so a copy missing
 * from the ledger was made by another job of the same workflow run (same run id and target) and is
 * left alone.
 */
async function untracked(options: {
  accounts: Accounts
  run: RunIdentity
  settings: Settings
  ledger: readonly CreatedResource[]
}): Promise<CreatedResource[]> {
  const { accounts, run, settings, ledger } = options
  const sides: AccountSide[] =
    accounts.source.accountId === accounts.destination.accountId
      ? ['destination']
      : ['source', 'destination']
  const known = new Set(
    ledger.map((r) => `${sessionOf(accounts, r.side).accountId}:${r.kind}:${r.id}`),
  )
  const found: CreatedResource[] = []
  for (const side of sides) {
    const session = sessionOf(accounts, side)
    try {
      for (const tagged of await findRunResources(session.clients.rds, run)) {
        if (known.has(`${session.accountId}:${tagged.kind}:${tagged.id}`)) continue
        if (tagged.purpose === Purpose.copy) {
          core.info(
            `Left alone: ${tagged.kind} ${tagged.id} (${side} account ${session.accountId}) carries this run's tags but this job never recorded creating it`,
          )
          continue
        }
        core.info(
          `Found ${tagged.kind} ${tagged.id} (${side} account ${session.accountId}) by this run's tags; the ledger did not record it`,
        )
        found.push({ ...tagged, side, disposal: disposalOf(tagged, settings) })
      }
    } catch (error) {
      core.warning(
        `Could not look up this run's resources by tag in the ${side} account ${session.accountId}: ${errorMessage(error)}. Only what the main step recorded is removed.`,
        { title: 'rds-refresh post step: tag look-up failed' },
      )
    }
  }
  return found
}

/** The disposal a resource found by its tags gets from its purpose tag. */
function disposalOf(tagged: { kind: string; purpose?: string }, settings: Settings): Disposal {
  if (tagged.purpose === Purpose.handoff) return 'handoff'
  if (tagged.purpose === Purpose.kept) return 'kept'
  const snapshot = tagged.kind === 'db-snapshot' || tagged.kind === 'db-cluster-snapshot'
  return snapshot && settings.keepSnapshots ? 'kept' : 'temporary'
}
