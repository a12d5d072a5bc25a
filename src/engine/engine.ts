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
import { describePostStep, type Ledger } from './ledger.js'
import { ActionError, errorMessage } from '../errors.js'
import { isAbortError, stopReason, stoppedError } from './deadline.js'
import { StepOutput } from './step-output.js'
import type { AnnotationProperties } from '@actions/core'

/** Where the engine writes: @actions/core in the action, a recorder in tests. */
export interface EngineOutput {
  info(message: string): void
  /** A warning annotation; `title` names what it is about on the run page. */
  warning(message: string, properties?: AnnotationProperties): void
  debug(message: string): void
  startGroup(name: string): void
  endGroup(): void
}

export interface EngineOptions {
  readonly output: EngineOutput
  readonly ledger: Ledger
  /** Epoch ms by which the whole run must end. */
  readonly deadline: number
  /** Stops the run from outside: the runner's cancel, or the deadline (deadline.ts). */
  readonly signal?: AbortSignal
  /** Account ids by side, for errors a step did not describe itself. */
  readonly accountIds?: Readonly<Record<AccountSide, string>>
  /** How long steps get to settle after a stop; SETTLE_AFTER_STOP_MS unless a test sets it. */
  readonly settleAfterStopMs?: number
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
 * How long steps get to settle once the run is stopped from outside. Waits obey the stop at once
 * and AWS calls within CALL_GRACE_MS (deadline.ts); this bounds a step stuck in anything else, so
 * a stopped run ends within seconds whatever its steps do.
 */
const SETTLE_AFTER_STOP_MS = 5_000

/**
 * Run a plan: each step starts as soon as the steps it comes `after` have succeeded, so
 * independent steps overlap. The first failure aborts the others, lets them settle, and is
 * returned with every step's timing for the summary. A stop from outside (cancel, deadline) is
 * returned as an error naming the steps that were running and what the post step will remove.
 */
export async function runPlan<C>(
  plan: Plan<C>,
  ctx: C,
  options: EngineOptions,
): Promise<PlanResult> {
  validatePlan(plan)
  const controller = new AbortController()
  const states = new Map<string, StepState<C>>(
    plan.steps.map((step) => [step.name, { step, status: 'pending', notes: [] }]),
  )
  const lines = new StepOutput(options.output)
  const running = new Map<string, Promise<void>>()
  let firstError: Error | undefined
  /** The steps that were running when the run was stopped from outside. */
  let interrupted: string[] | undefined
  const onOuterAbort = (): void => {
    interrupted = [...running.keys()]
    controller.abort(options.signal?.reason)
  }
  options.signal?.addEventListener('abort', onOuterAbort, { once: true })
  if (options.signal?.aborted) onOuterAbort()
  /** Resolves when the run is stopped from outside; never without an outer signal. */
  const stopped = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve()
    options.signal?.addEventListener('abort', () => resolve(), { once: true })
  })

  const launch = (state: StepState<C>): void => {
    state.status = 'running'
    state.startedAt = new Date()
    lines.starting(state.step.name, state.step.title)
    const runtime = createRuntime(state, {
      options,
      signal: controller.signal,
      log: lines.logFor(state.step.name),
    })
    runtime.log.progress?.(state.step.title)
    const promise = state.step
      .run(ctx, runtime)
      .then(
        () => {
          state.status = 'succeeded'
        },
        (error: unknown) => {
          // A sibling's failure or a cancel aborts this step: it is cancelled, not failed.
          const cancelled =
            controller.signal.aborted && (isAbortError(error) || error === controller.signal.reason)
          state.status = cancelled ? 'cancelled' : 'failed'
          if (!cancelled && !firstError) {
            firstError = attachStep(error, state.step, options.accountIds)
            controller.abort(firstError)
          } else if (!cancelled) {
            // Only the first failure is the run's error (printed once, by index.ts); a later one
            // would otherwise go unsaid.
            runtime.log.warning(`also failed: ${errorMessage(error)}`)
          }
        },
      )
      .finally(() => {
        state.endedAt = new Date()
        running.delete(state.step.name)
        const seconds = (
          (state.endedAt.getTime() - (state.startedAt?.getTime() ?? 0)) /
          1000
        ).toFixed(1)
        lines.finished(state.step.name, `[${state.step.name}] ${state.status} in ${seconds}s`)
      })
    running.set(state.step.name, promise)
  }

  for (;;) {
    if (!controller.signal.aborted) startReady(states, ctx, launch)
    if (running.size === 0) break
    const settled = Promise.race(running.values())
    // Running, or winding down after a step's failure: siblings settle as their waits abort and
    // their calls answer. Only a stop from outside bounds how long they get.
    if (!options.signal?.aborted) {
      await Promise.race([settled, stopped])
      continue
    }
    const settleMs = options.settleAfterStopMs ?? SETTLE_AFTER_STOP_MS
    if (await settlesWithin(settled, settleMs)) continue
    abandon(states, { output: options.output, settleMs })
    break
  }

  options.signal?.removeEventListener('abort', onOuterAbort)
  for (const state of states.values()) {
    if (state.status === 'pending') state.status = 'not-run'
  }
  if (!firstError && controller.signal.aborted) {
    firstError = stoppedError(
      options.signal?.aborted ? options.signal.reason : stopReason(controller.signal),
      describeRunning(interrupted ?? []),
      describePostStep(options.ledger.list(), 'failed'),
    )
  }
  return { steps: [...states.values()].map(toReport), error: firstError }
}

/** Whether `promise` settles within `ms`; the timer is cleared either way. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Steps still running after a stop are left behind: reported as cancelled, never awaited. */
function abandon<C>(
  states: Map<string, StepState<C>>,
  { output, settleMs }: { output: EngineOutput; settleMs: number },
): void {
  for (const state of states.values()) {
    if (state.status !== 'running') continue
    state.status = 'cancelled'
    state.endedAt = new Date()
    state.notes.push('did not stop in time')
    output.warning(
      `[${state.step.name}] did not stop within ${settleMs / 1000}s of the stop; left behind`,
      { title: `rds-refresh: ${state.step.name}` },
    )
  }
}

/** `step "a" was running`, `steps "a" and "b" were running`, or `no step was running`. */
function describeRunning(steps: readonly string[]): string {
  const quoted = steps.map((name) => `"${name}"`)
  if (quoted.length === 0) return 'no step was running'
  if (quoted.length === 1) return `step ${quoted[0]} was running`
  return `steps ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)} were running`
}

/**
 * Start every pending step whose dependencies are done, or skip it when its `when` says so. A
 * step's `when` is asked only then, so it can depend on what earlier steps learned (a path AWS
 * refused); a skip can free later steps, so the scan repeats until nothing changes.
 */
function startReady<C>(
  states: Map<string, StepState<C>>,
  ctx: C,
  launch: (state: StepState<C>) => void,
): void {
  for (let changed = true; changed;) {
    changed = false
    for (const state of states.values()) {
      if (state.status !== 'pending' || !dependenciesDone(state.step, states)) continue
      if (state.step.when && !state.step.when(ctx)) state.status = 'skipped'
      else launch(state)
      changed = true
    }
  }
}

function dependenciesDone<C>(step: Step<C>, states: Map<string, StepState<C>>): boolean {
  return (step.after ?? []).every((name) => {
    const status = states.get(name)?.status
    return status === 'succeeded' || status === 'skipped'
  })
}

function createRuntime<C>(
  state: StepState<C>,
  { options, signal, log }: { options: EngineOptions; signal: AbortSignal; log: StepLog },
): StepRuntime {
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

/** Every failure names its step; an error a step did not describe itself gets the step's title and account. */
function attachStep<C>(
  error: unknown,
  step: Step<C>,
  accountIds: EngineOptions['accountIds'],
): Error {
  if (error instanceof ActionError) return error.step ? error : error.withStep(step.name)
  if (isAbortError(error)) return error as Error
  return ActionError.fromAws(error, {
    summary: `${step.title.replace(/\.$/, '')} failed`,
    step: step.name,
    side: step.side,
    accountId: accountIds?.[step.side],
  })
}
