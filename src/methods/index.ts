import type { Plan } from '../engine/types.js'
import { ActionError } from '../errors.js'
import type { CopyMethod } from '../result.js'
import type { Method } from '../settings.js'
import { clonePlan } from './clone.js'
import type { RefreshContext } from './context.js'
import type { SourceDatabase } from './detect.js'
import { relayPlan } from './relay-plan.js'

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
