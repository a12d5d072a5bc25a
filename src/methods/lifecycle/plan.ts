import * as core from '@actions/core'
import type { Accounts } from '../../credentials.js'
import type { AccountSide, Plan, Step, StepRuntime } from '../../engine/types.js'
import { ActionError, errorMessage } from '../../errors.js'
import { escapeHtml, headerRow } from '../../report.js'
import type { Settings } from '../../settings.js'
import { isManaged, TagKeys } from '../../tags.js'
import { createRefreshContext, type RefreshContext } from '../common/context.js'
import { describeKind, buildPlan } from '../choose-method.js'
import { lookupTarget, type FoundTarget } from '../common/existing.js'
import { sourceAccountOf, startPhase } from '../common/phases.js'
import { describePlacement, resolvePlacement } from '../common/preflight/index.js'
import { deletionPlan, shareDecision, type DeleteContext } from './delete.js'
import { REFRESH_CHANGES } from './plan-changes.js'
import { decideShares, surveySweep, writeSweepSummary, type SweepOutcome } from './sweep.js'
import { inspectTarget, refuseTargetIsSource } from './target.js'

export interface PlanOptions {
  readonly settings: Settings
  readonly accounts: Accounts
  readonly signal: AbortSignal
  readonly startedAt: number
}

/** One planned step, as the change plan shows it. */
interface PlannedStep {
  readonly name: string
  readonly title: string
  readonly side: AccountSide
  readonly changes: string
}

/**
 * `operation: plan`: what `plan-operation` (refresh, delete or sweep) would do, from the same
 * reads that operation makes first, and nothing else: only Describe*, List* and Get* calls.
 */
export async function runPlanOperation(options: PlanOptions): Promise<void> {
  switch (options.settings.planOperation) {
    case 'refresh':
      return planRefresh(options)
    case 'delete':
      return planDelete(options)
    case 'sweep':
      return planSweep(options)
  }
}

async function planRefresh({ settings, accounts, startedAt }: PlanOptions): Promise<void> {
  const target = settings.target ?? ''
  const found =
    settings.phase === 'source' ? undefined : await lookupTarget(accounts.destination, target)
  const start = await core.group('Read the source', () =>
    startPhase(settings, accounts, { exists: found !== undefined }),
  )
  const { sourceDb, method } = start
  if (target) refuseTargetIsSource(settings, accounts, target)
  const ctx = createRefreshContext({ ...start, settings, accounts, target, startedAt })
  const plan = buildPlan(ctx)
  const checks = await runPreflight(plan, ctx)
  const existing = settings.phase === 'source' ? undefined : await existingTarget(ctx, found)
  const sourceAccount = sourceAccountOf(sourceDb, accounts)
  const facts = [
    `Source: ${describeKind(sourceDb)} ${sourceDb.arn} (account ${sourceAccount}), engine ${sourceDb.engine} ${sourceDb.engineVersion}, status ${sourceDb.status}${sourceDb.encrypted ? ', encrypted' : ''}`,
    `Target: ${target || '(none: phase source)'} in the destination account ${accounts.destination.accountId}`,
    `Method: ${method}: ${methodReason(settings, sourceDb.kind, method)}`,
    `Plan: ${plan.description}`,
    ...(settings.phase === 'source' ? [] : [describePlacement(ctx, resolvePlacement(ctx))]),
    ...(existing ? [existing.line] : []),
  ]
  const steps = plan.steps
    .filter((step) => !step.when || step.when(ctx))
    .map((step) => planned(step, REFRESH_CHANGES[step.name]?.(ctx) ?? 'see the step'))
  await writePlanSummary({
    title: `rds-refresh plan: refresh ${sourceDb.identifier} → ${target || '(hand-off snapshot)'}`,
    facts,
    steps,
    checks,
    accounts,
  })
  if (existing?.refusal) throw existing.refusal
}

/** The relay's pre-flight step reads only; run it and keep what it said. */
async function runPreflight(plan: Plan<RefreshContext>, ctx: RefreshContext): Promise<string[]> {
  const preflight = plan.steps.find((step) => step.name === 'preflight')
  if (!preflight) {
    return ['Clone pre-flight (source state, keys, placement, clone limits): passed (see the log)']
  }
  const lines: string[] = []
  const runtime: StepRuntime = {
    name: preflight.name,
    log: {
      info: (m) => (lines.push(m), core.info(m)),
      warning: (m) => (
        lines.push(`⚠ ${m}`),
        core.warning(m, { title: `rds-refresh plan: ${preflight.name}` })
      ),
      debug: (m) => core.debug(m),
    },
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    record: () => undefined,
    release: () => undefined,
    note: () => undefined,
  }
  try {
    await preflight.run(ctx, runtime)
  } catch (error) {
    lines.push(`❌ ${errorMessage(error)}`)
    await writePlanSummary({
      title: `rds-refresh plan: refresh ${ctx.sourceDb.identifier} → ${ctx.names.target}`,
      facts: ['The refresh would stop at its pre-flight checks.'],
      steps: [],
      checks: lines,
      accounts: { source: ctx.source, destination: ctx.destination, sameAccount: ctx.sameAccount },
    })
    throw error
  }
  return [...lines, 'Pre-flight: passed']
}

/** What if-exists would do with a target that is already there. */
async function existingTarget(
  ctx: RefreshContext,
  found: FoundTarget | undefined,
): Promise<{ line: string; refusal?: ActionError } | undefined> {
  const target = ctx.names.target
  const { cluster, instance } = found ?? {}
  const arn = cluster?.DBClusterArn ?? instance?.DBInstanceArn
  if (!arn) return { line: `${target} does not exist yet: it would be created` }
  const managed = isManaged(cluster?.TagList ?? instance?.TagList)
  const where = {
    resource: arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  if (!managed) {
    return {
      line: `${target} exists and is not managed: the refresh would stop`,
      refusal: new ActionError({
        summary: `Target ${target} exists but was not created by rds-refresh (no ${TagKeys.managed}=true tag): the refresh would stop`,
        ...where,
        hint: 'Choose another target name.',
      }),
    }
  }
  switch (ctx.settings.ifExists) {
    case 'reuse':
      return {
        line: `${target} exists and is managed: if-exists: reuse reports it as it is, nothing is created`,
      }
    case 'replace':
      return {
        line: `${target} exists and is managed: if-exists: replace builds the new copy under a temporary name, swaps it in by rename and deletes the old copy`,
      }
    case 'fail':
      return {
        line: `${target} exists: if-exists: fail would stop the refresh`,
        refusal: new ActionError({
          summary: `Target ${target} already exists in the destination account: the refresh would stop`,
          ...where,
          hint: 'Use if-exists: reuse or replace, or another target.',
        }),
      }
  }
}

function methodReason(settings: Settings, kind: string, method: string): string {
  if (settings.phase !== 'all') return 'split jobs hand over a snapshot, so the snapshot relay'
  if (settings.method !== 'auto') return `method: ${settings.method} was asked`
  if (kind !== 'aurora-cluster') {
    return 'a Multi-AZ DB cluster or DB instance crosses accounts as a snapshot (the relay)'
  }
  return method === 'clone'
    ? 'Aurora source: a copy-on-write clone takes minutes whatever the size'
    : 'Aurora source, but the clone pre-flight found a clone impossible here (see the log), so the snapshot relay'
}

async function planDelete({ settings, accounts }: PlanOptions): Promise<void> {
  const target = settings.target ?? ''
  refuseTargetIsSource(settings, accounts, target)
  const title = `rds-refresh plan: delete ${target} (destination ${accounts.destination.accountId})`
  let view
  try {
    view = await core.group('Read the target', () => inspectTarget(accounts.destination, target))
  } catch (error) {
    await writePlanSummary({
      title,
      facts: [`❌ ${errorMessage(error)}`],
      steps: [],
      checks: [],
      accounts,
    })
    throw error
  }
  if (view.state === 'gone') {
    await writePlanSummary({
      title,
      facts: [
        `${target} does not exist in ${accounts.destination.accountId}: delete would succeed with nothing to do`,
      ],
      steps: [],
      checks: [],
      accounts,
    })
    return
  }
  const ctx: DeleteContext = { settings, accounts, target: view }
  const plan = deletionPlan(ctx)
  const share = plan.steps.some((s) => s.name === 'withdraw-share' && s.when?.(ctx) !== false)
    ? await shareDecision(ctx)
    : undefined
  const changes: Record<string, string> = {
    'disable-deletion-protection': `turns off deletion protection on ${view.identifier}`,
    'delete-instances': `deletes the DB instances ${view.memberWaves.flat().join(', ')}`,
    'delete-target': `deletes ${view.identifier}${settings.finalSnapshotIdentifier ? ` after the final snapshot ${settings.finalSnapshotIdentifier}` : ', no final snapshot'}`,
    'wait-deleted': 'none (waits)',
    'withdraw-share': share?.message ?? 'none',
  }
  await writePlanSummary({
    title,
    facts: [
      `Target: ${view.kind === 'instance' ? 'DB instance' : 'DB cluster'} ${view.arn}, engine ${view.engine}, status ${view.status}, managed (${TagKeys.managed}=true)`,
      `Plan: ${plan.description}`,
    ],
    steps: plan.steps
      .filter((step) => !step.when || step.when(ctx))
      .map((step) => planned(step, changes[step.name] ?? 'see the step')),
    checks: [`${view.identifier} carries ${TagKeys.managed}=true: delete may act on it`],
    accounts,
  })
}

async function planSweep({ settings, accounts, signal, startedAt }: PlanOptions): Promise<void> {
  const now = new Date(startedAt)
  const options = {
    settings,
    accounts,
    signal,
    now,
    deadline: startedAt + settings.timeoutMinutes * 60_000,
  }
  const survey = await core.group('Survey the managed resources', () => surveySweep(options))
  const deleted = survey.decisions
    .filter(
      (d) => d.action === 'delete' && d.item.kind === 'db-cluster' && d.item.side === 'destination',
    )
    .map((d) => d.item.id)
  const shares = await decideShares(survey, {
    accounts,
    now,
    destinationClusters: survey.destinationClusters,
    except: deleted,
  })
  const outcomes: SweepOutcome[] = [...survey.decisions, ...shares].map((decision) => ({
    decision,
    result: decision.action === 'delete' ? 'would delete' : 'kept',
  }))
  for (const o of outcomes) {
    core.info(`${o.result} ${o.decision.item.kind} ${o.decision.item.id}: ${o.decision.reason}`)
  }
  await writeSweepSummary(
    `rds-refresh plan: sweep of ${accounts.destination.accountId} (nothing was changed)`,
    outcomes,
    { settings },
  )
}

function planned<C>(step: Step<C>, changes: string): PlannedStep {
  return { name: step.name, title: step.title, side: step.side, changes }
}

async function writePlanSummary(input: {
  title: string
  facts: readonly string[]
  steps: readonly PlannedStep[]
  checks: readonly string[]
  accounts: Accounts
}): Promise<void> {
  for (const fact of input.facts) core.info(fact)
  input.steps.forEach((s, i) => core.info(`${i + 1}. ${s.name} (${s.side}): ${s.changes}`))
  const summary = core.summary.addHeading(input.title, 2)
  summary.addRaw('<p>A plan: nothing was changed.</p>', true)
  summary.addList(input.facts.map(escapeHtml))
  if (input.steps.length > 0) {
    summary.addHeading('Steps', 3)
    summary.addTable([
      headerRow('#', 'Step', 'Account', 'What it does', 'Creates, changes or deletes'),
      ...input.steps.map((s, i) => [
        String(i + 1),
        s.name,
        `${s.side} ${input.accounts[s.side].accountId}`,
        escapeHtml(s.title),
        escapeHtml(s.changes),
      ]),
    ])
  }
  if (input.checks.length > 0) {
    summary.addHeading('Pre-flight checks', 3)
    summary.addList(input.checks.map(escapeHtml))
  }
  await summary.write()
}
