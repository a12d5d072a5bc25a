import * as core from '@actions/core'
import type { Accounts } from '../../credentials.js'
import { runPlan } from '../../engine/engine.js'
import { Ledger } from '../../engine/ledger.js'
import { ActionError } from '../../errors.js'
import { Outputs, writeSummary } from '../../report.js'
import type { Settings } from '../../settings.js'
import { deletionPlan } from './delete.js'
import { runPlanOperation } from './plan.js'
import { runSweep } from './sweep.js'
import { inspectTarget, refuseTargetIsSource } from './target.js'

export interface LifecycleOptions {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly signal: AbortSignal
  readonly startedAt: number
}

/** `delete`, `sweep` and `plan`: the operations besides refresh. */
export async function runLifecycle(options: LifecycleOptions): Promise<void> {
  const deadline = options.startedAt + options.settings.timeoutMinutes * 60_000
  switch (options.settings.operation) {
    case 'delete':
      return runDelete(options)
    case 'sweep':
      return runSweep({ ...options, deadline, now: new Date(options.startedAt) })
    case 'plan':
      return runPlanOperation(options)
    case 'refresh':
      throw new ActionError({ summary: 'refresh is not a lifecycle operation' })
  }
}

/** `operation: delete`: tear the managed target down; a target already gone is success. */
async function runDelete({
  settings,
  accounts,
  signal,
  startedAt,
}: LifecycleOptions): Promise<void> {
  const target = settings.target ?? ''
  refuseTargetIsSource(settings, accounts, target)
  const destination = accounts.destination
  const title = `rds-refresh: delete ${target} (destination ${destination.accountId})`
  const view = await core.group('Read the target', () => inspectTarget(destination, target))
  const outputs = (): Record<string, string> => ({
    [Outputs.destinationAccountId]: destination.accountId,
    [Outputs.durationSeconds]: String(Math.round((Date.now() - startedAt) / 1000)),
  })
  if (view.state === 'gone') {
    core.info(
      `${target} does not exist in the destination account ${destination.accountId}: nothing to delete (already deleted, or never created)`,
    )
    core.summary.addRaw(`<p>${target} was already gone: nothing was deleted.</p>`, true)
    await writeSummary({
      title,
      steps: [],
      outputs: outputs(),
      leftBehind: [],
      region: settings.region,
    })
    return
  }
  core.info(
    `Deleting the managed ${view.kind === 'instance' ? 'DB instance' : 'DB cluster'} ${view.arn} (status ${view.status})`,
  )
  const ctx = { settings, accounts, target: view }
  const plan = deletionPlan(ctx)
  core.info(`Plan: ${plan.description}`)
  const accountIds = { source: accounts.source.accountId, destination: destination.accountId }
  const result = await runPlan(plan, ctx, {
    output: core,
    // A deletion creates nothing of its own for the post step to remove.
    ledger: new Ledger(() => undefined),
    deadline: startedAt + settings.timeoutMinutes * 60_000,
    signal,
    accountIds,
  })
  if (!result.error) core.info(`${target} is deleted`)
  await writeSummary({
    title,
    steps: result.steps,
    outputs: outputs(),
    error: result.error,
    accountIds,
    leftBehind: [],
    region: settings.region,
  })
  if (result.error) throw result.error
}
