import type { RunNames } from './methods/common/context.js'
import type { RunContext } from './settings.js'

/**
 * DB instance, DB cluster and DB cluster snapshot identifiers have at most 63 characters
 * (CreateDBInstance DBInstanceIdentifier: "Must contain from 1 to 63 letters, numbers, or hyphens.
 * First character must be a letter. Can't end with a hyphen or contain two consecutive hyphens.").
 */
export const IDENTIFIER_MAX = 63

/** Room for `-<index>` of every instance a copy can have (instance-count is at most 16). */
const INSTANCE_SUFFIX = '-16'.length

/**
 * `name` cut to at most `max` characters, without the trailing hyphens a cut can leave (AWS
 * refuses a trailing `-`, and `-` + suffix would make `--`). A name that starts with a letter
 * keeps at least that letter.
 */
export function cutName(name: string, max: number): string {
  return name.slice(0, max).replace(/-+$/, '')
}

/** A run value as a name part: its letters and digits in lower case, at most `max`, else `fallback`. */
function namePart(value: string, fallback: string, max: number): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, max) || fallback
  )
}

/**
 * Intermediates are named after the run (id + attempt), so a re-run of the same attempt finds what
 * it made, and runs never collide. Every name is valid for its kind whatever the target and run
 * context: instance names cut the target at one fixed place for every index (so they stay
 * distinct and a re-run derives the same), and never leave `--` or a trailing `-`.
 */
export function runNames(target: string, run: RunContext): RunNames {
  const runKey = `rds-refresh-${namePart(run.runId, 'local', 20)}-${namePart(run.runAttempt, '1', 4)}`
  const prefix = (index: number): string =>
    cutName(target, Math.min(IDENTIFIER_MAX - INSTANCE_SUFFIX, IDENTIFIER_MAX - `-${index}`.length))
  return {
    target,
    instance: (index: number) => `${prefix(index)}-${index}`,
    sourceClusterSnapshot: `${runKey}-cluster-snapshot`,
    tempInstance: `${runKey}-tmp`,
    sourceSnapshot: `${runKey}-snapshot`,
    destinationSnapshot: `${runKey}-copy`,
  }
}
