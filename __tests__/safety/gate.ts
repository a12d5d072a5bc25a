/**
 * A gate in the simulator's services that holds one chosen call, so a test can signal the run
 * while the run is known to be waiting on that call: deterministic however loaded the machine is,
 * unlike a delay. Only RDS, KMS and RAM calls pass through services (STS and OIDC do not).
 */
import type { CallContext, OperationHandler, ServiceHandlers } from '../../sim/src/core/types.ts'
import type { Services } from '../../sim/src/services/index.ts'
import type { SimulatorOptions } from '../../sim/src/index.ts'
import { createServices } from '../../sim/src/services/index.ts'

/** A call by operation, optionally only one account's, and the nth such call (default 1st). */
export interface CallMatch {
  readonly operation: string
  readonly account?: string
  readonly nth?: number
}

/**
 * Where the run is held:
 * - `call`: the matched call arrived and AWS has not acted yet;
 * - `answer`: AWS acted on the matched call and its answer has not left yet (a slow answer);
 * - `next-call`: the first read, after the matched call was answered, of something that call
 *   named (in the same account): the run is between calls, polling what it just changed.
 */
export type HoldPoint = 'call' | 'answer' | 'next-call'

export interface GateSpec {
  readonly match: CallMatch
  readonly hold: HoldPoint
}

type Decision = 'hold-before' | 'hold-after' | 'watch-reads' | undefined

/** Identifiers and ARNs a call names (its input) or answers with (e.g. a new RAM share's ARN). */
function namesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) namesIn(item, into)
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const names = /(Identifier|Arn)s?$/i.test(key) ? [item].flat() : []
      if (names.length > 0 && names.every((n) => typeof n === 'string')) {
        for (const name of names as string[]) into.add(name)
      } else namesIn(item, into)
    }
  }
  return into
}

export class CallGate {
  /** Resolves when the run is held at the chosen point. */
  readonly reached: Promise<void>
  private markReached!: () => void
  private releaseHeld!: () => void
  private readonly released: Promise<void>
  private matches = 0
  /** With `next-call`: what the matched call named, once it has been answered. */
  private watched?: { readonly account: string; readonly names: ReadonlySet<string> }
  private done = false
  private wasReached = false
  private readonly spec: GateSpec

  constructor(spec: GateSpec) {
    this.spec = spec
    this.reached = new Promise((resolve) => (this.markReached = resolve))
    this.released = new Promise((resolve) => (this.releaseHeld = resolve))
  }

  get hasBeenReached(): boolean {
    return this.wasReached
  }

  /** Let the held call (and every later one) through. */
  release(): void {
    this.done = true
    this.releaseHeld()
  }

  /** The simulator's services with this gate in front of every handler. */
  services(): NonNullable<SimulatorOptions['services']> {
    return (env) => {
      const real: Services = createServices(env)
      const wrap = (handlers: ServiceHandlers): ServiceHandlers =>
        Object.fromEntries(
          Object.entries(handlers).map(([name, handler]) => [name, this.wrapHandler(handler)]),
        )
      return {
        ...real,
        handlers: {
          rds: wrap(real.handlers.rds),
          kms: wrap(real.handlers.kms),
          ram: wrap(real.handlers.ram),
        },
      }
    }
  }

  private wrapHandler(handler: OperationHandler): OperationHandler {
    return async (ctx) => {
      const decision = this.decide(ctx)
      if (decision === 'hold-before') await this.hold()
      let output: Record<string, unknown> | undefined
      try {
        output = await handler(ctx)
        return output
      } finally {
        if (decision === 'hold-after') await this.hold()
        if (decision === 'watch-reads') {
          this.watched = { account: ctx.account, names: namesIn([ctx.input, output]) }
        }
      }
    }
  }

  private decide(ctx: CallContext): Decision {
    if (this.done) return undefined
    if (this.watched) return this.isWatchedRead(ctx) ? 'hold-before' : undefined
    const { operation, account, nth = 1 } = this.spec.match
    if (ctx.operation !== operation || (account !== undefined && ctx.account !== account)) {
      return undefined
    }
    this.matches += 1
    if (this.matches !== nth) return undefined
    if (this.spec.hold === 'next-call') return 'watch-reads'
    return this.spec.hold === 'call' ? 'hold-before' : 'hold-after'
  }

  /**
   * A read in the same account about something the matched call named: the run polling what it
   * just changed, so it has taken the answer in (reads of steps running beside it do not count).
   */
  private isWatchedRead(ctx: CallContext): boolean {
    const watched = this.watched
    if (!watched || ctx.account !== watched.account) return false
    if (!/^(Describe|Get|List)/.test(ctx.operation)) return false
    const named = namesIn(ctx.input)
    return [...named].some((name) => watched.names.has(name))
  }

  private async hold(): Promise<void> {
    this.done = true
    this.wasReached = true
    this.markReached()
    await this.released
  }
}

export function describeGate(spec: GateSpec): string {
  const { operation, account, nth = 1 } = spec.match
  const call = `${operation}${nth > 1 ? ` #${nth}` : ''}${account ? ` in ${account}` : ''}`
  switch (spec.hold) {
    case 'call':
      return `${call} arrived, before AWS acts`
    case 'answer':
      return `${call} done by AWS, answer not yet sent`
    case 'next-call':
      return `first call after ${call}`
  }
}
