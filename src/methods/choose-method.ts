import type { Accounts } from '../credentials.js'
import type { Plan } from '../engine/types.js'
import { ActionError } from '../errors.js'
import type { CopyMethod } from '../result.js'
import type { Method, Settings } from '../settings.js'
import { clonePlan } from './clone/plan.js'
import { clonePreflight } from './clone/preflight.js'
import { titledLog } from '../github/annotations.js'
import type { RefreshContext } from './common/context.js'
import type { SourceDatabase } from './common/detect.js'
import { relayPlan } from './relay/plan.js'

/**
 * The method for a source: Aurora clones by default; Multi-AZ DB clusters and DB instances relay
 * through snapshots. An explicit method that cannot work for the source is refused, never changed.
 */
export function chooseMethod(requested: Method, source: SourceDatabase): CopyMethod {
  const aurora = source.kind === 'aurora-cluster'
  if (requested === 'auto') return aurora ? 'clone' : 'relay'
  if ((requested === 'clone' || requested === 'full-copy') && !aurora) {
    throw new ActionError({
      summary: `method: ${requested} needs an Aurora source, and ${source.identifier} is a ${describeKind(source)} (engine ${source.engine})`,
      resource: source.arn,
      side: 'source',
      hint: 'Use method: relay or auto.',
    })
  }
  return requested
}

/** What resolveMethod reads besides the source. */
export interface MethodInputs {
  readonly settings: Settings
  readonly accounts: Accounts
  /** The target exists in the destination (looked up once, before the method is resolved). */
  readonly targetExists: boolean
  readonly log?: { info(message: string): void; warning(message: string): void }
}

/**
 * The method this run takes: chooseMethod's choice, checked against what AWS allows before
 * anything is created. For an Aurora clone that runs the clone pre-flight (source state, clone
 * limits, then the shared keys and placement checks), which under `auto` may turn to the relay
 * and says why; the relay runs the shared pre-flight as its first step. When the target already
 * exists, `if-exists` decides first (existing.ts), so no pre-flight.
 */
export async function resolveMethod(
  requested: Method,
  source: SourceDatabase,
  inputs: MethodInputs,
): Promise<CopyMethod> {
  const method = chooseMethod(requested, source)
  if (method === 'relay') return method
  const { settings, accounts } = inputs
  if (settings.ifExists !== 'replace' && inputs.targetExists) return method
  const decision = await clonePreflight({
    requested: requested === 'auto' ? 'auto' : method,
    settings,
    source: accounts.source,
    destination: accounts.destination,
    sameAccount: accounts.sameAccount,
    sourceDb: source,
    log: inputs.log ?? titledLog('rds-refresh: pre-flight'),
  })
  return decision.method
}

export function describeKind(source: SourceDatabase): string {
  switch (source.kind) {
    case 'aurora-cluster':
      return 'Aurora DB cluster'
    case 'multi-az-cluster':
      return 'Multi-AZ DB cluster'
    case 'instance':
      return 'DB instance'
  }
}

export function buildPlan(ctx: RefreshContext): Plan<RefreshContext> {
  if (ctx.method === 'clone' || ctx.method === 'full-copy') return clonePlan()
  return relayPlan(ctx)
}
