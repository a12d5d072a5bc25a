import * as core from '@actions/core'
import { findRunResources, runIdentity, type RunIdentity } from './aws/ownership.js'
import { removeResource, removalCommand } from './cleanup.js'
import { openAccounts, type AccountSession, type Accounts } from './credentials.js'
import { credentialSettings } from './methods/phases.js'
import type { AccountSide, CreatedResource, Disposal } from './engine/types.js'
import { errorMessage } from './errors.js'
import { getSettings } from './inputs.js'
import type { Settings } from './settings.js'
import { loadOutcome, loadResources, saveResources, wasSignedIn, type Outcome } from './state.js'
import { Purpose } from './tags.js'

/**
 * The post step (`post-if: always()`): remove what the main step left. What this run made is the
 * union of the ledger (including intents: calls whose answer never came) and, when the main step
 * did not succeed, a look-up by this run's id tag in every account the job holds credentials for. Intermediates always go; a copy
 * or a source-phase hand-off only when the main step did not succeed. Each removal first proves
 * from the resource's tags that this run made it, so a post step never removes what another run
 * made. Anything that cannot be removed is reported with the command that removes it; the post
 * step never fails the job.
 */
export async function runPost(): Promise<void> {
  const outcome = loadOutcome()
  const ledger = loadResources()
  // A main step that succeeded recorded everything it made (each create records its intent
  // first and every step finished); one that did not may have been cut off mid-call, once it
  // held credentials.
  const lookUp = outcome !== 'succeeded' && wasSignedIn()
  if (!lookUp && !ledger.some((r) => removedWhen(r.disposal, outcome))) {
    core.info('Nothing to clean up.')
    return
  }
  const settings = getSettings()
  const run = runIdentity(settings.run, settings.target)
  // The same roles the main step opened (a destination-phase job may hold only one).
  const accounts = await openAccounts(credentialSettings(settings))
  const found = lookUp ? await untracked({ accounts, run, settings, ledger }) : []
  const toRemove = [...ledger, ...found].filter((r) => removedWhen(r.disposal, outcome))
  if (toRemove.length === 0) {
    core.info('Nothing to clean up.')
    return
  }
  core.info(
    `The main step ${outcome ?? 'did not finish'}; removing ${toRemove.length} resource(s) it created.`,
  )
  const remaining: CreatedResource[] = [...ledger]
  const failures: string[] = []
  // Reverse creation order: instances before their cluster, shares before their snapshots.
  for (const resource of [...toRemove].reverse()) {
    const session = sessionOf(accounts, resource.side)
    const where = `${resource.kind} ${resource.id} (${resource.side} account ${session.accountId})`
    try {
      const outcome = await removeResource(resource, session.clients, {
        run,
        settle: {
          log: { info: core.info, warning: core.warning, debug: core.debug },
          pollSeconds: settings.pollIntervalSeconds,
          deadline: Date.now() + settings.timeoutMinutes * 60_000,
          accountId: session.accountId,
        },
      })
      if (remaining.includes(resource)) remaining.splice(remaining.indexOf(resource), 1)
      if (outcome.result === 'not-ours') {
        core.info(`Left alone: ${where} was not made by this run (${outcome.owner})`)
      } else if (outcome.result === 'removed') {
        core.info(`Removed ${where}`)
      }
    } catch (error) {
      failures.push(`${removalCommand(resource, settings.region)}   # ${errorMessage(error)}`)
    }
  }
  saveResources(remaining)
  if (failures.length > 0) {
    core.warning(
      `Could not remove ${failures.length} resource(s); remove them by hand:\n${failures.join('\n')}`,
    )
  }
}

/** Intermediates always; the copy and a hand-off only when the main step did not succeed. */
function removedWhen(disposal: Disposal, outcome: Outcome | undefined): boolean {
  if (disposal === 'temporary') return true
  return (disposal === 'copy' || disposal === 'handoff') && outcome !== 'succeeded'
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
      )
    }
  }
  return found
}

/** The disposal a resource found by its tags gets from its purpose tag. */
function disposalOf(tagged: { kind: string; purpose?: string }, settings: Settings): Disposal {
  if (tagged.purpose === Purpose.handoff) return 'handoff'
  const snapshot = tagged.kind === 'db-snapshot' || tagged.kind === 'db-cluster-snapshot'
  return snapshot && settings.keepSnapshots ? 'kept' : 'temporary'
}
