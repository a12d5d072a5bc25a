import type { Plan } from '../../engine/types.js'
import type { Phase } from '../../settings.js'
import type { RefreshContext } from '../common/context.js'
import type { SourceKind } from '../common/detect.js'
import { auroraRelaySteps } from './aurora.js'
import { instanceRelaySteps } from './instance.js'
import { multiAzRelaySteps } from './multiaz.js'
import type { RelayStep } from './steps.js'

const DESCRIPTIONS: Record<SourceKind, string> = {
  'multi-az-cluster':
    'Multi-AZ DB cluster relay: cluster snapshot → share → RestoreDBClusterFromSnapshot from it (direct path); or cluster snapshot → temporary instance → instance snapshot → share → copy → RestoreDBClusterFromSnapshot (7 steps)',
  'aurora-cluster':
    'Aurora snapshot relay: cluster snapshot → share → copy → RestoreDBClusterFromSnapshot → instances',
  instance: 'DB instance relay: snapshot → share → copy → RestoreDBInstanceFromDBSnapshot',
}

const PHASE_NOTE: Record<Phase, string> = {
  all: '',
  source: ' (phase source: stops after sharing)',
  destination: ' (phase destination: starts from snapshot-arn)',
}

/** The snapshot relay for the source's kind, cut to the steps of the phase this job runs. */
export function relayPlan(ctx: RefreshContext): Plan<RefreshContext> {
  const kind = ctx.sourceDb.kind
  const steps =
    kind === 'multi-az-cluster'
      ? multiAzRelaySteps()
      : kind === 'aurora-cluster'
        ? auroraRelaySteps()
        : instanceRelaySteps()
  const phase = ctx.settings.phase
  const path = ctx.multiAzPath
    ? `; starts on the ${ctx.multiAzPath.path} path: ${ctx.multiAzPath.reason}`
    : ''
  return {
    description: DESCRIPTIONS[kind] + PHASE_NOTE[phase] + path,
    steps: forPhase(steps, phase),
  }
}

/** Keep the phase's steps; dependencies on steps of the other phase are met by the other job. */
export function forPhase(steps: readonly RelayStep[], phase: Phase): RelayStep[] {
  const kept = steps.filter((step) => step.phases.includes(phase))
  const names = new Set(kept.map((step) => step.name))
  return kept.map((step) => ({
    ...step,
    after: (step.after ?? []).filter((name) => names.has(name)),
  }))
}
