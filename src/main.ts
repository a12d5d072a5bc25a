import * as core from '@actions/core'
import { openAccounts, type Accounts } from './credentials.js'
import { runPlan } from './engine/engine.js'
import { Ledger } from './engine/ledger.js'
import { ActionError } from './errors.js'
import { getSettings } from './inputs.js'
import type { RefreshContext } from './methods/context.js'
import { detectSource } from './methods/detect.js'
import { buildPlan, describeKind, resolveMethod } from './methods/index.js'
import { findExistingTarget } from './methods/existing.js'
import { runNames } from './names.js'
import { copyOutputs, Outputs, setOutputs, writeSummary } from './report.js'
import type { CopyResult } from './result.js'
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
  const accounts = await openAccounts(settings)
  core.setOutput(Outputs.sourceAccountId, accounts.source.accountId)
  core.setOutput(Outputs.destinationAccountId, accounts.destination.accountId)
  try {
    if (settings.operation !== 'refresh') {
      throw new ActionError({
        summary: `operation: ${settings.operation} is not available in this version`,
        hint: 'Use operation: refresh.',
      })
    }
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
  const source = settings.source
  const target = settings.target
  if (!source || !target) throw new ActionError({ summary: 'refresh needs source and target' })
  const sourceDb = await core.group('Read the source', () => detectSource(accounts.source, source))
  if (accounts.sameAccount && sourceDb.identifier === target) {
    throw new ActionError({
      summary: `target ${target} is the source itself (same account ${accounts.source.accountId})`,
      hint: 'Choose another target name: the action never writes to the source.',
    })
  }
  const method = await resolveMethod(settings.method, sourceDb, { settings, accounts })
  const title = `${sourceDb.identifier} (${accounts.source.accountId}) → ${target} (${accounts.destination.accountId})`
  core.info(
    `Source: ${describeKind(sourceDb)} ${sourceDb.arn}, ${sourceDb.engine} ${sourceDb.engineVersion}, status ${sourceDb.status}`,
  )
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
    sameAccount: accounts.sameAccount,
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

  const existing = await findExistingTarget(ctx)
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

  const plan = buildPlan(ctx)
  core.info(`Plan: ${plan.description}`)
  const result = await runPlan(plan, ctx, {
    output: core,
    ledger,
    deadline: startedAt + settings.timeoutMinutes * 60_000,
    signal,
  })
  const outputs = result.error ? {} : copyOutputs(ctx.copy as CopyResult)
  if (!result.error) setOutputs(outputs)
  await writeSummary({
    title: `rds-refresh: ${title} (${method})`,
    steps: result.steps,
    outputs,
    error: result.error,
    leftBehind: result.error
      ? ledger.list()
      : ledger.list().filter((r) => r.disposal === 'temporary'),
    region: settings.region,
  })
  if (result.error) throw result.error
}
