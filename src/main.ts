import * as core from '@actions/core'
import { openAccounts, type Accounts } from './credentials.js'
import { runPlan } from './engine/engine.js'
import { Ledger } from './engine/ledger.js'
import { ActionError } from './errors.js'
import { getSettings } from './inputs.js'
import type { RefreshContext } from './methods/context.js'
import { buildPlan } from './methods/index.js'
import { credentialSettings, describeStart, phaseOutputs, startPhase } from './methods/phases.js'
import { findExistingTarget } from './methods/existing.js'
import { findReplaceTarget, replaceRun } from './methods/lifecycle/replace.js'
import { accountFromArn } from './methods/relay-snapshots.js'
import { runNames } from './names.js'
import { copyOutputs, Outputs, setOutputs, writeSummary } from './report.js'
import type { Settings } from './settings.js'
import { saveOutcome, saveResources } from './state.js'
import { managedTags } from './tags.js'

/**
 * The main step: read settings, open both accounts, then run the operation. Errors propagate to
 * index.ts, the only place that fails the step.
 */
export async function run(signal: AbortSignal): Promise<void> {
  const startedAt = Date.now()
  const settings = getSettings()
  // Refused before any AWS call, like an invalid input.
  if (settings.operation !== 'refresh') {
    throw new ActionError({
      summary: `operation: ${settings.operation} is not available in this version`,
      hint: 'Use operation: refresh.',
    })
  }
  const accounts = await openAccounts(credentialSettings(settings))
  core.setOutput(Outputs.sourceAccountId, accounts.source.accountId)
  core.setOutput(Outputs.destinationAccountId, accounts.destination.accountId)
  try {
    await refresh({ settings, accounts, signal, startedAt })
    saveOutcome('succeeded')
  } catch (error) {
    saveOutcome('failed')
    throw error
  } finally {
    core.setOutput(Outputs.durationSeconds, String(Math.round((Date.now() - startedAt) / 1000)))
  }
}

interface RefreshOptions {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly signal: AbortSignal
  readonly startedAt: number
}

async function refresh({ settings, accounts, signal, startedAt }: RefreshOptions): Promise<void> {
  // A source-phase job only hands over a snapshot: it needs no target.
  const target = settings.target ?? ''
  if (!target && settings.phase !== 'source') {
    throw new ActionError({ summary: 'refresh needs target' })
  }
  const { sourceDb, sameAccount, method } = await core.group(
    settings.phase === 'destination' ? 'Read the shared snapshot' : 'Read the source',
    () => startPhase(settings, accounts),
  )
  if (sameAccount && settings.phase !== 'destination' && sourceDb.identifier === target) {
    throw new ActionError({
      summary: `target ${target} is the source itself (same account ${accounts.source.accountId})`,
      hint: 'Choose another target name: the action never writes to the source.',
    })
  }
  // The source's own ARN names its account (a destination-phase job signs in to only one).
  const sourceAccount = accountFromArn(sourceDb.arn) ?? accounts.source.accountId
  const title = `${sourceDb.identifier} (${sourceAccount}) → ${target} (${accounts.destination.accountId})`
  core.info(describeStart(settings, sourceDb))
  core.info(`Method: ${method}`)

  const { tags, expiresAt } = managedTags({
    settings,
    sourceArn: sourceDb.arn,
    now: new Date(startedAt),
  })
  const ledger = new Ledger(saveResources)
  const ctx: RefreshContext = {
    settings,
    source: accounts.source,
    destination: accounts.destination,
    sameAccount,
    sourceDb,
    method,
    names: runNames(target, settings.run),
    tags,
    copy: {
      method,
      created: true,
      expiresAt,
      kind: sourceDb.kind === 'instance' ? 'instance' : 'cluster',
    },
    handoff: new Map(),
  }

  // A source-phase job makes no copy, and may not even see the destination account.
  const copyPhase = settings.phase !== 'source'
  const replacing = copyPhase ? await findReplaceTarget(ctx) : undefined
  const existing =
    copyPhase && settings.ifExists !== 'replace' ? await findExistingTarget(ctx) : undefined
  if (existing) {
    setOutputs(copyOutputs(existing))
    await writeSummary({
      title: `rds-refresh: ${title}`,
      steps: [],
      outputs: copyOutputs(existing),
      leftBehind: [],
      region: settings.region,
    })
    return
  }

  const { ctx: runCtx, plan } = replacing
    ? replaceRun(ctx, replacing)
    : { ctx, plan: buildPlan(ctx) }
  core.info(`Plan: ${plan.description}`)
  const accountIds = { source: sourceAccount, destination: accounts.destination.accountId }
  const result = await runPlan(plan, runCtx, {
    output: core,
    ledger,
    deadline: startedAt + settings.timeoutMinutes * 60_000,
    signal,
    accountIds,
  })
  const outputs = result.error ? {} : phaseOutputs(ctx)
  if (!result.error) setOutputs(outputs)
  const kept = ledger.list().filter((r) => r.disposal === 'kept')
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
    accountIds,
    // Kept resources (a shared snapshot hand-off, the RAM share) outlive the run on purpose.
    leftBehind: ledger
      .list()
      .filter((r) => r.disposal === 'temporary' || (result.error && r.disposal === 'copy')),
    region: settings.region,
  })
  if (result.error) throw result.error
}
