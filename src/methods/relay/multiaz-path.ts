import { rdsResourceType } from '../../aws/arn.js'
import { ActionError, awsErrorCode, errorMessage } from '../../errors.js'
import type { MultiAzPathInput, Settings } from '../../settings.js'
import type { SourceDatabase } from '../common/detect.js'

/**
 * Which way a Multi-AZ DB cluster relay goes, and why.
 *
 * - `direct`: the cluster snapshot is shared as it is and the destination restores the Multi-AZ
 *   DB cluster straight from it, under its own key. Whether AWS shares a Multi-AZ DB cluster
 *   snapshot, and restores a shared encrypted one, is unconfirmed (aws-reference B).
 * - `seven-step`: through a temporary Single-AZ instance and its DB snapshot, which AWS does
 *   share and copy.
 *
 * The choice is made before the run and may change once: a refusal of the share or of the direct
 * restore turns the run to the 7 steps, from the same cluster snapshot.
 */
export type MultiAzPath = 'direct' | 'seven-step'

/** The run's current path; steps read it when their turn comes (engine `when`). */
export interface MultiAzPathChoice {
  path: MultiAzPath
  reason: string
  /** The input asked for this path: a refusal fails the run instead of turning it. */
  readonly forced: boolean
  /** The cluster snapshot's `restore` attribute names the destination (this run shared it). */
  shared: boolean
}

/** What the choice reads: the inputs, the source (or the hand-off describing it), the accounts. */
export interface PathFacts {
  readonly settings: Pick<Settings, 'multiAzPath' | 'phase'>
  readonly sourceDb: Pick<SourceDatabase, 'kind' | 'encrypted' | 'arn'>
  readonly sameAccount: boolean
}

/** The path a run starts on; undefined for sources that are not Multi-AZ DB clusters. */
export function chooseMultiAzPath(facts: PathFacts): MultiAzPathChoice | undefined {
  const { settings, sourceDb } = facts
  const requested = settings.multiAzPath
  if (sourceDb.kind !== 'multi-az-cluster') {
    if (requested === 'auto') return undefined
    throw new ActionError({
      summary: `multi-az-path: ${requested} applies to Multi-AZ DB cluster sources only, and this source is not one`,
      hint: 'Remove multi-az-path (or set it to auto).',
    })
  }
  const choice = (path: MultiAzPath, reason: string, forced = requested !== 'auto') => ({
    path,
    reason,
    forced,
    shared: false,
  })
  if (settings.phase === 'destination') return followHandoff(requested, sourceDb.arn)
  if (requested !== 'auto') return choice(requested, `multi-az-path: ${requested}`)
  if (facts.sameAccount) {
    return choice('direct', 'same account: the cluster snapshot is restored as it is, unshared')
  }
  if (settings.phase === 'source' && sourceDb.encrypted) {
    return choice(
      'seven-step',
      'split jobs and an encrypted source: whether AWS restores a shared encrypted Multi-AZ DB cluster snapshot is unconfirmed, and a destination job could not fall back (the 7 steps start in the source account); multi-az-path: direct tries it',
    )
  }
  return choice('direct', 'auto: the direct path first, the 7 steps if AWS refuses it')
}

/** A destination job is on the path its hand-off (snapshot-arn, its ARN says its type) was made for. */
function followHandoff(requested: MultiAzPathInput, snapshotArn: string): MultiAzPathChoice {
  const isClusterSnapshot = rdsResourceType(snapshotArn) === 'cluster-snapshot'
  const path: MultiAzPath = isClusterSnapshot ? 'direct' : 'seven-step'
  if (requested !== 'auto' && requested !== path) {
    throw new ActionError({
      summary: `multi-az-path: ${requested}, but snapshot-arn is a ${isClusterSnapshot ? 'DB cluster snapshot (the direct path)' : 'DB snapshot (the 7 steps)'}`,
      hint: 'A destination job follows the snapshot its source job handed over: set multi-az-path on the source job, or leave it at auto here.',
    })
  }
  const reason =
    path === 'direct'
      ? 'the hand-off is the Multi-AZ DB cluster snapshot itself'
      : "the hand-off is a DB snapshot of the source job's temporary instance"
  return { path, reason, forced: true, shared: path === 'direct' }
}

/** Whether the run is on `path` now; a context made without a choice takes the 7 steps. */
export function onPath(choice: MultiAzPathChoice | undefined, path: MultiAzPath): boolean {
  return (choice?.path ?? 'seven-step') === path
}

/**
 * AWS's synchronous answers to a Multi-AZ DB cluster snapshot share or direct restore it does not
 * support. Which code it uses is unconfirmed (aws-reference B): the parameter refusals AWS gives
 * for unsupported combinations, and, for the restore, a snapshot the destination cannot see.
 */
const REFUSALS = {
  share: ['InvalidParameterValue', 'InvalidParameterCombination'],
  restore: [
    'InvalidParameterValue',
    'InvalidParameterCombination',
    'DBClusterSnapshotNotFoundFault',
  ],
} as const

export function isRefusal(error: unknown, call: keyof typeof REFUSALS): boolean {
  const code = awsErrorCode(error)
  return code !== undefined && (REFUSALS[call] as readonly string[]).includes(code)
}

/** Turn the run to the 7 steps, saying what AWS refused. */
export function fallBack(choice: MultiAzPathChoice, what: string, error: unknown): string {
  choice.path = 'seven-step'
  choice.reason = `AWS refused ${what} (${awsErrorCode(error)}: ${errorMessage(error)}); the 7 steps ran from the same cluster snapshot`
  return choice.reason
}
