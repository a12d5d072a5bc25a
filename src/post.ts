import * as core from '@actions/core'
import { removeResource, removalCommand } from './cleanup.js'
import { openAccounts } from './credentials.js'
import { credentialSettings } from './methods/phases.js'
import type { CreatedResource } from './engine/types.js'
import { errorMessage } from './errors.js'
import { getSettings } from './inputs.js'
import { loadOutcome, loadResources, saveResources } from './state.js'

/**
 * The post step (`post-if: always()`): remove what the main step left. Temporary resources always
 * go; the copy itself goes only when the main step did not succeed. Anything that cannot be
 * removed is reported with the command that removes it; the post step never fails the job.
 */
export async function runPost(): Promise<void> {
  const outcome = loadOutcome()
  const resources = loadResources()
  const toRemove = resources.filter(
    (r) => r.disposal === 'temporary' || (r.disposal === 'copy' && outcome !== 'succeeded'),
  )
  if (toRemove.length === 0) {
    core.info('Nothing to clean up.')
    return
  }
  core.info(
    `The main step ${outcome ?? 'did not finish'}; removing ${toRemove.length} resource(s) it created.`,
  )
  const settings = getSettings()
  // The same roles the main step opened (a destination-phase job may hold only one).
  const accounts = await openAccounts(credentialSettings(settings))
  const remaining: CreatedResource[] = [...resources]
  const failures: string[] = []
  // Reverse creation order: instances before their cluster, shares before their snapshots.
  for (const resource of [...toRemove].reverse()) {
    const session = resource.side === 'source' ? accounts.source : accounts.destination
    try {
      await removeResource(resource, session.clients, {
        log: { info: core.info, warning: core.warning, debug: core.debug },
        pollSeconds: settings.pollIntervalSeconds,
        deadline: Date.now() + settings.timeoutMinutes * 60_000,
        accountId: session.accountId,
      })
      remaining.splice(remaining.indexOf(resource), 1)
      core.info(
        `Removed ${resource.kind} ${resource.id} (${resource.side} account ${session.accountId})`,
      )
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
