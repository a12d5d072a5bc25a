import type {
  AccountSide,
  Plan,
  Step,
  StepLog,
  StepReport,
  StepRuntime,
  StepStatus,
  CreatedResource,
} from './types.js'
import type { Ledger } from './ledger.js'
import { ActionError, errorMessage } from '../errors.js'

/** Where the engine writes: @actions/core in the action, a recorder in tests. */
export interface EngineOutput {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  startGroup(name: string): void
  endGroup(): void
}

export interface EngineOptions {
  readonly output: EngineOutput
  readonly ledger: Ledger
  /** Epoch ms by which the whole run must end. */
  readonly deadline: number
  /** Cancels the run from outside (SIGINT/SIGTERM from the runner). */
  readonly signal?: AbortSignal
  /** Account ids by side, for errors a step did not describe itself. */
  readonly accountIds?: Readonly<Record<AccountSide, string>>
}

export interface PlanResult {
  readonly steps: readonly StepReport[]
  /** The first failure, already carrying its step; undefined when every step succeeded. */
  readonly error?: Error
}

interface StepState<C> {
  readonly step: Step<C>
  status: StepStatus | 'pending' | 'running'
  startedAt?: Date
  endedAt?: Date
  readonly notes: string[]
}

/**
 * Run a plan: each step starts as soon as the steps it comes `after` have succeeded, so
 * independent steps overlap. The first failure aborts the others, lets them settle, and is
 * returned with every step's timing for the summary.
 */
export async function runPlan<C>(
  plan: Plan<C>,
  ctx: C,
  options: EngineOptions,
): Promise<PlanResult> {
  validatePlan(plan)
  const controller = new AbortController()
  const onOuterAbort = (): void => controller.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onOuterAbort, { once: true })
  if (options.signal?.aborted) onOuterAbort()

  const states = new Map<string, StepState<C>>(
    plan.steps.map((step) => [step.name, { step, status: 'pending', notes: [] }]),
  )
  const groups = new GroupTracker(options.output)
  const running = new Map<string, Promise<void>>()
  let firstError: Error | undefined

  const launch = (state: StepState<C>): void => {
    state.status = 'running'
    state.startedAt = new Date()
    groups.starting(state.step, running.size === 0)
    const runtime = createRuntime(state, { options, signal: controller.signal })
    runtime.log.info(`${state.step.title}`)
    const promise = state.step
      .run(ctx, runtime)
      .then(
        () => {
          state.status = 'succeeded'
        },
        (error: unknown) => {
          // A sibling's failure or a cancel aborts this step: it is cancelled, not failed.
          const cancelled =
            controller.signal.aborted && (isAbort(error) || error === controller.signal.reason)
          state.status = cancelled ? 'cancelled' : 'failed'
          if (!cancelled && !firstError) {
            firstError = attachStep(error, state.step, options.accountIds)
            controller.abort(firstError)
          }
          if (!cancelled) runtime.log.warning(`failed: ${errorMessage(error)}`)
        },
      )
      .finally(() => {
        state.endedAt = new Date()
        running.delete(state.step.name)
        groups.finished(state.step)
        const seconds = (
          (state.endedAt.getTime() - (state.startedAt?.getTime() ?? 0)) /
          1000
        ).toFixed(1)
        options.output.info(`[${state.step.name}] ${state.status} in ${seconds}s`)
      })
    running.set(state.step.name, promise)
  }

  for (;;) {
    if (!controller.signal.aborted) {
      for (const state of states.values()) {
        if (state.status !== 'pending') continue
        if (state.step.when && !state.step.when(ctx)) {
          state.status = 'skipped'
          continue
        }
        if (dependenciesDone(state.step, states)) launch(state)
      }
    }
    if (running.size === 0) break
    await Promise.race(running.values())
  }

  options.signal?.removeEventListener('abort', onOuterAbort)
  for (const state of states.values()) {
    if (state.status === 'pending') state.status = 'not-run'
  }
  if (!firstError && controller.signal.aborted) {
    firstError = cancellationError(options.signal?.reason)
  }
  return { steps: [...states.values()].map(toReport), error: firstError }
}

function dependenciesDone<C>(step: Step<C>, states: Map<string, StepState<C>>): boolean {
  return (step.after ?? []).every((name) => {
    const status = states.get(name)?.status
    return status === 'succeeded' || status === 'skipped'
  })
}

function createRuntime<C>(
  state: StepState<C>,
  { options, signal }: { options: EngineOptions; signal: AbortSignal },
): StepRuntime {
  const prefix = `[${state.step.name}] `
  const log: StepLog = {
    info: (message) => options.output.info(prefix + message),
    warning: (message) => options.output.warning(prefix + message),
    debug: (message) => options.output.debug(prefix + message),
  }
  return {
    name: state.step.name,
    log,
    signal,
    deadline: options.deadline,
    record: (resource: CreatedResource) => options.ledger.record(resource),
    release: (resource) => options.ledger.release(resource),
    note: (text) => state.notes.push(text),
  }
}

function toReport<C>(state: StepState<C>): StepReport {
  return {
    name: state.step.name,
    title: state.step.title,
    side: state.step.side,
    status: state.status === 'pending' || state.status === 'running' ? 'not-run' : state.status,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    notes: state.notes,
  }
}

/** Names must be unique and dependencies must exist and form no cycle. */
export function validatePlan<C>(plan: Plan<C>): void {
  const names = new Set<string>()
  for (const step of plan.steps) {
    if (names.has(step.name)) throw new Error(`Plan has two steps named '${step.name}'`)
    names.add(step.name)
  }
  for (const step of plan.steps) {
    for (const dependency of step.after ?? []) {
      if (!names.has(dependency)) {
        throw new Error(`Step '${step.name}' comes after '${dependency}', which is not in the plan`)
      }
    }
  }
  const byName = new Map(plan.steps.map((step) => [step.name, step]))
  const visiting = new Set<string>()
  const done = new Set<string>()
  const visit = (name: string): void => {
    if (done.has(name)) return
    if (visiting.has(name)) throw new Error(`Plan has a dependency cycle through '${name}'`)
    visiting.add(name)
    for (const dependency of byName.get(name)?.after ?? []) visit(dependency)
    visiting.delete(name)
    done.add(name)
  }
  for (const name of names) visit(name)
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError')
}

/** Every failure names its step; an error a step did not describe itself gets the step's title and account. */
function attachStep<C>(
  error: unknown,
  step: Step<C>,
  accountIds: EngineOptions['accountIds'],
): Error {
  if (error instanceof ActionError) return error.step ? error : error.withStep(step.name)
  if (isAbort(error)) return error as Error
  return ActionError.fromAws(error, {
    summary: `${step.title.replace(/\.$/, '')} failed`,
    step: step.name,
    side: step.side,
    accountId: accountIds?.[step.side],
  })
}

function cancellationError(reason: unknown): Error {
  if (reason instanceof Error) return reason
  const error = new Error('The run was cancelled')
  error.name = 'CancelledError'
  return error
}

/**
 * Log groups cannot nest or interleave, so a step gets a group only while it runs alone; lines of
 * overlapping steps stay readable through their `[step]` prefix.
 */
class GroupTracker {
  private open: string | undefined
  constructor(private readonly output: EngineOutput) {}

  starting<C>(step: Step<C>, alone: boolean): void {
    this.close()
    if (alone) {
      this.output.startGroup(`${step.name}: ${step.title}`)
      this.open = step.name
    }
  }

  finished<C>(step: Step<C>): void {
    if (this.open === step.name) this.close()
  }

  private close(): void {
    if (this.open === undefined) return
    this.output.endGroup()
    this.open = undefined
  }
}
