import {
  PREFLIGHT_STEP,
  refusal,
  requirePlacementOn,
  runPreflight,
  type Check,
} from '../common/preflight/index.js'
import { multiAzStorage, type RelayStep } from './steps.js'

/**
 * The relay's pre-flight step: the shared pre-flight (keys, placement, snapshot quota) with the
 * relay's own checks, before the first snapshot is taken.
 */
export function preflightStep(): RelayStep {
  return {
    name: PREFLIGHT_STEP,
    title:
      'Pre-flight checks: keys, placement, snapshot quota (nothing is created before they pass)',
    side: 'destination',
    phases: ['all', 'source', 'destination'],
    async run(ctx, runtime) {
      await runPreflight({ ...ctx, log: runtime.log }, RELAY_CHECKS)
      runtime.note('passed')
    },
  }
}

/**
 * The Multi-AZ relay's temporary instance is restored in the source account, in
 * temp-db-subnet-group (default: the source cluster's own, which exists).
 */
const checkTempPlacement: Check = async (input) => {
  if (input.sourceDb.kind !== 'multi-az-cluster' || input.settings.phase === 'destination') return
  await requirePlacementOn(input, 'source', [
    {
      input: 'temp-db-subnet-group',
      kind: 'db-subnet-group',
      name: input.settings.tempDbSubnetGroup,
    },
  ])
}

/**
 * An Aurora copy needs a class for its instances: the source writer's by default. A
 * destination-phase job never reads the source, so it must be told rather than guess.
 */
const checkInstanceClass: Check = (input) => {
  if (input.sourceDb.kind !== 'aurora-cluster' || input.settings.phase === 'source') return
  if (input.settings.instanceClass || input.sourceDb.writerInstanceClass) return
  throw refusal(input, 'destination', {
    summary:
      "No instance class for the Aurora copy: this job cannot read the source writer's class",
    hint: 'Set instance-class (for example db.r6g.large, or db.serverless with serverless-min-capacity and serverless-max-capacity).',
  })
}

/**
 * A Multi-AZ DB cluster restore with a storage type needs Iops (RestoreDBClusterFromSnapshot's
 * model documentation): refuse before anything is created when neither the inputs nor the source
 * give one.
 */
const checkMultiAzStorage: Check = (input) => {
  if (input.sourceDb.kind !== 'multi-az-cluster' || input.settings.phase === 'source') return
  const storage = multiAzStorage(input)
  if (storage.storageType === undefined || storage.iops !== undefined) return
  throw refusal(input, 'destination', {
    summary: `storage-type ${storage.storageType} for the Multi-AZ DB cluster copy needs iops, and this job does not know the source's`,
    hint: "Set iops (AWS requires Iops with a storage type when restoring a Multi-AZ DB cluster), or leave storage-type unset for AWS's default storage.",
  })
}

const RELAY_CHECKS: readonly Check[] = [checkTempPlacement, checkInstanceClass, checkMultiAzStorage]
