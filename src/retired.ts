import * as core from '@actions/core'
import { READERS, type ResourceReader } from './aws/rds-read.js'
import { removalCommand } from './cleanup.js'
import type { AccountSession } from './credentials.js'
import type { CreatedResource } from './engine/types.js'
import { formatElapsed, waitFor } from './engine/wait.js'
import { errorMessage } from './errors.js'
import { escapeHtml } from './report.js'
import { Purpose, TagKeys } from './tags.js'

/**
 * The post step's part of a replace: the copy it swapped out, whose deletion the main step
 * started (or the post step just did), awaited until AWS has removed it, and reported in the
 * log, the job summary and, when something is left to do, an annotation. The main step does not
 * wait for it: the target already serves the new copy, and later steps of the job run meanwhile.
 */
export interface RetiredWait {
  readonly destination: AccountSession
  readonly region: string
  readonly pollSeconds: number
  readonly signal: AbortSignal
  readonly deadline: number
}

/** How the wait ended for one retired copy. */
type Ending =
  | { readonly result: 'deleted' }
  | { readonly result: 'still-deleting' }
  | { readonly result: 'stopped'; readonly why: string }

export async function awaitRetired(
  resources: readonly CreatedResource[],
  wait: RetiredWait,
): Promise<void> {
  const started = Date.now()
  const lines = await Promise.all(
    resources.map(async (resource) => {
      const ending = await untilGone(resource, wait)
      return report(resource, ending, { ...wait, minutes: formatElapsed(Date.now() - started) })
    }),
  )
  await core.summary
    .addHeading('rds-refresh post step: the old copy', 3)
    .addList(lines.map(escapeHtml))
    .write()
}

/** Statuses in which the copy is not being deleted (any more): waiting longer changes nothing. */
const NOT_DELETING = ['available', 'stopped', 'failed', 'storage-full', 'incompatible-parameters']

async function untilGone(resource: CreatedResource, wait: RetiredWait): Promise<Ending> {
  const reader = READERS[resource.kind as 'db-cluster' | 'db-instance'] as ResourceReader<unknown>
  const rds = wait.destination.clients.rds
  let last: string | undefined
  core.info(`Waiting until AWS has removed the old copy ${resource.id}`)
  try {
    await waitFor(
      {
        resource: `${reader.label} ${resource.id}`,
        side: 'destination',
        accountId: wait.destination.accountId,
        describe: () => reader.find(rds, resource.id),
        status: (item) => (last = reader.status(item)),
        until: 'gone',
        failOn: NOT_DELETING,
      },
      {
        step: 'post',
        log: { info: core.info, warning: core.warning, debug: core.debug },
        signal: wait.signal,
        deadline: wait.deadline,
        pollSeconds: wait.pollSeconds,
      },
    )
    return { result: 'deleted' }
  } catch (error) {
    // The bound came (or the job was cancelled) while AWS was still at it.
    if (last === 'deleting') return { result: 'still-deleting' }
    return { result: 'stopped', why: errorMessage(error) }
  }
}

/** Logs the ending (an annotation when the user has something to do) and returns its summary line. */
function report(
  resource: CreatedResource,
  ending: Ending,
  context: RetiredWait & { minutes: string },
): string {
  const command = removalCommand(resource, context.region)
  const sweep = `operation: sweep removes it (it carries ${TagKeys.purpose}=${Purpose.retired})`
  switch (ending.result) {
    case 'deleted': {
      const line = `The old copy ${resource.id} is deleted (${context.minutes} into the post step).`
      core.info(line)
      return line
    }
    case 'still-deleting': {
      const line = `The old copy ${resource.id} is still being deleted after ${context.minutes}, the post step's bound: AWS finishes the deletion on its own. If it is still there later, ${sweep}, or: ${command}`
      core.notice(line, { title: 'rds-refresh post step: old copy still deleting' })
      return line
    }
    case 'stopped': {
      const line = `The old copy ${resource.id} is not being deleted: ${ending.why}. The target serves the new copy; remove the old one: ${sweep}, or: ${command}`
      core.warning(line, { title: 'rds-refresh post step: old copy not deleted' })
      return line
    }
  }
}
