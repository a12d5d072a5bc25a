import type { RunNames } from './methods/context.js'
import type { RunContext } from './settings.js'
import { runIdOf } from './tags.js'

/**
 * Intermediates are named after the run (id + attempt), so a re-run of the same attempt finds what
 * it made, and runs never collide. Instance identifiers are limited to 63 characters.
 */
export function runNames(target: string, run: RunContext): RunNames {
  const runKey = `rds-refresh-${runIdOf(run)}`
  return {
    target,
    instance: (index: number) => `${target.slice(0, 60)}-${index}`,
    sourceClusterSnapshot: `${runKey}-cluster-snapshot`,
    tempInstance: `${runKey}-tmp`.slice(0, 63),
    sourceSnapshot: `${runKey}-snapshot`,
    destinationSnapshot: `${runKey}-copy`,
  }
}
