import * as core from '@actions/core'
import { checkAllowedAccounts } from './allowed-accounts.js'
import { credentialSettings, openAccounts, type Accounts } from './credentials.js'
import { afterGrace, boundSignal, deadlinePassed, stage } from './engine/deadline.js'
import { runPlan } from './engine/engine.js'
import { describePostStep, Ledger } from './engine/ledger.js'
import { getSettings } from './inputs.js'
import { titledLog } from './github/annotations.js'
import { commentGone, commentReady } from './github/pull-request-comment.js'
import { createRefreshContext, refreshReport } from './methods/common/context.js'
import { buildPlan } from './methods/choose-method.js'
import { describeStart, sourceAccountOf, startPhase } from './methods/common/phases.js'
import { checkApplicability } from './methods/common/applicability.js'
import { describePlacement, resolvePlacement } from './methods/common/preflight/index.js'
import { findExistingTarget, lookupTarget } from './methods/common/existing.js'
import { runLifecycle } from './methods/lifecycle/index.js'
import { findReplaceTarget, replaceRun } from './methods/lifecycle/replace.js'
import {
  copyOutputs,
  ledgerBlocks,
  Outputs,
  phaseOutputs,
  setOutputs,
  writeSummary,
} from './report.js'
import type { Settings } from './settings.js'
import { markSignedIn, saveOutcome, saveResources } from './state.js'

/** What the post step does if the run stops before it created anything. */
const NOTHING_CREATED = (): string => describePostStep([], 'failed')

/**
 * The main step: read settings, open both accounts, then run the operation. Errors propagate to
 * index.ts, the only place that fails the step.
 *
 * @param cancel aborted by the runner's cancel (SIGINT/SIGTERM); the run adds its deadline
 *   (`deadline-minutes` from the start), and the two together stop every call, wait and step
 */
export async function run(cancel: AbortSignal): Promise<void> {
  const startedAt = Date.now()
  const settings = getSettings()
  const bound = boundSignal({
    outer: cancel,
    deadline: startedAt + settings.timeoutMinutes * 60_000,
    reason: () => deadlinePassed(`deadline-minutes (${settings.timeoutMinutes})`),
  })
  const { signal } = bound
  try {
    // Steps stop at the stop itself; calls already sent get a moment to answer (deadline.ts).
    const calls = afterGrace(signal)
    const accounts = await stage(signal, 'signing in to the accounts', NOTHING_CREATED, () =>
      openAccounts(credentialSettings(settings), { signal: calls }),
    )
    // Refused before anything is created: the post step then has nothing to look for.
    checkAllowedAccounts(settings, accounts)
    markSignedIn()
    core.setOutput(Outputs.sourceAccountId, accounts.source.accountId)
    core.setOutput(Outputs.destinationAccountId, accounts.destination.accountId)
    try {
      const destination = accounts.destination.accountId
      if (settings.operation === 'refresh') {
        const outputs = await refresh({
          settings,
          accounts,
          signal,
          startedAt,
          deadline: bound.deadline,
        })
        saveOutcome('succeeded')
        if (outputs) await commentReady(settings, { outputs, accountId: destination, startedAt })
      } else {
        await runLifecycle({ settings, accounts, signal, startedAt })
        saveOutcome('succeeded')
        if (settings.operation === 'delete') await commentGone(settings, destination)
      }
    } catch (error) {
      saveOutcome('failed')
      throw error
    } finally {
      core.setOutput(Outputs.durationSeconds, String(Math.round((Date.now() - startedAt) / 1000)))
    }
  } finally {
    bound.dispose()
  }
}

interface RefreshOptions {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly signal: AbortSignal
  readonly startedAt: number
  /** Epoch ms by which the run must end (deadline-minutes). */
  readonly deadline: number
}

/** The copy's outputs; undefined for a source-phase job, which makes no copy. */
async function refresh(options: RefreshOptions): Promise<Record<string, string> | undefined> {
  const { settings, accounts, signal, startedAt, deadline } = options
  // inputs/rules.ts requires target unless the job is a source phase, which only hands over a
  // snapshot; the same rules refused a target that is the source itself.
  const target = settings.target ?? ''
  if (!target) {
    core.warning(
      'phase: source without target: the hand-off snapshot is not tagged for a target, so the destination job cannot prove it is its own and leaves it in the source account. Set target (the same as the destination job) so the destination job removes it once its copy exists.',
      { title: 'rds-refresh: hand-off without target' },
    )
  }
  // A source-phase job makes no copy, and may not even see the destination account.
  const copyPhase = settings.phase !== 'source'
  const read = settings.phase === 'destination' ? 'the shared snapshot' : 'the source'
  const { start, found } = await core.group(`Read ${read}`, () =>
    stage(signal, `reading ${read}`, NOTHING_CREATED, async () => {
      const found = copyPhase ? await lookupTarget(accounts.destination, target) : undefined
      return { start: await startPhase(settings, accounts, { exists: found !== undefined }), found }
    }),
  )
  const { sourceDb, sameAccount, method } = start
  const sourceAccount = sourceAccountOf(sourceDb, accounts)
  checkApplicability({
    settings,
    sourceDb,
    method,
    sameAccount,
    accounts: { source: sourceAccount, destination: accounts.destination.accountId },
    log: titledLog('rds-refresh: inputs ignored'),
  })
  const title = `${sourceDb.identifier} (${sourceAccount}) → ${target} (${accounts.destination.accountId})`
  core.info(describeStart(settings, sourceDb))
  core.info(`Method: ${method}`)

  const ledger = new Ledger(saveResources)
  const ctx = createRefreshContext({ ...start, settings, accounts, target, startedAt })

  const nothingYet = (): string => describePostStep(ledger.list(), 'failed')
  const replacing = copyPhase
    ? await stage(signal, `looking for ${target} to replace`, nothingYet, () =>
        findReplaceTarget(ctx, found),
      )
    : undefined
  const existing =
    copyPhase && settings.ifExists !== 'replace'
      ? await stage(signal, `looking for an existing ${target}`, nothingYet, () =>
          findExistingTarget(ctx, { signal, deadline }, found),
        )
      : undefined
  if (existing) {
    setOutputs(copyOutputs(existing))
    await writeSummary({
      title: `rds-refresh: ${title}`,
      steps: [],
      outputs: copyOutputs(existing),
      leftBehind: [],
      region: settings.region,
    })
    return copyOutputs(existing)
  }

  const { ctx: runCtx, plan } = replacing
    ? replaceRun(ctx, replacing)
    : { ctx, plan: buildPlan(ctx) }
  core.info(`Plan: ${plan.description}`)
  const accountIds = { source: sourceAccount, destination: accounts.destination.accountId }
  const result = await runPlan(plan, runCtx, {
    output: core,
    ledger,
    deadline: options.deadline,
    signal,
    accountIds,
  })
  // Said at once, so a cancel or kill from here on keeps the finished copy (post.ts).
  if (!result.error) saveOutcome('succeeded')
  const outputs = result.error ? {} : phaseOutputs(refreshReport(ctx))
  if (!result.error) setOutputs(outputs)
  const { kept, leftBehind, retiring } = ledgerBlocks(ledger.list(), result.error !== undefined)
  for (const resource of kept) {
    core.info(`Kept on purpose: ${resource.kind} ${resource.id} (${resource.side} account)`)
  }
  await writeSummary({
    title: `rds-refresh: ${title} (${method})`,
    steps: result.steps,
    outputs: {
      ...outputs,
      [Outputs.sourceAccountId]: sourceAccount,
      [Outputs.destinationAccountId]: accounts.destination.accountId,
      [Outputs.durationSeconds]: String(Math.round((Date.now() - startedAt) / 1000)),
    },
    error: result.error,
    kept,
    retiring,
    accountIds,
    notes: copyPhase ? [describePlacement(runCtx, resolvePlacement(runCtx))] : [],
    leftBehind,
    region: settings.region,
  })
  if (result.error) throw result.error
  return copyPhase ? outputs : undefined
}
