import { createHash } from 'node:crypto'
import type { RunContext } from '../../settings.js'

/** The names one `replace` works with. */
export interface SwapNames {
  /** The name the user asked for; the old copy holds it until the swap. */
  readonly target: string
  /** The new copy, until it is renamed into the target name. */
  readonly staging: string
  /** The old copy, once renamed away and until it is deleted. */
  readonly retired: string
}

/**
 * Longest temporary name: the copy's instances get `-<n>` appended (names.ts keeps 60 characters
 * of a cluster name), and every identifier AWS takes is at most 63.
 */
const MAX_LENGTH = 60

/**
 * Names derived from the run, so a re-run of the same attempt finds what it made and two runs
 * never collide: `<target>-<run id>-<attempt>-new` / `-old`. Valid for every valid target (starts
 * with the target's letter, no `--`, no trailing `-`, at most 60 characters); a target too long
 * to keep whole is shortened and keeps a hash of itself, so two long targets never share names.
 */
export function swapNames(target: string, run: RunContext): SwapNames {
  const runKey = `${clean(run.runId) || 'local'}-${clean(run.runAttempt) || '1'}`
  const name = (role: 'new' | 'old'): string => {
    const suffix = `-${runKey}-${role}`
    if (target.length + suffix.length <= MAX_LENGTH) return `${target}${suffix}`
    const hash = createHash('sha256').update(target).digest('hex').slice(0, 6)
    const room = MAX_LENGTH - suffix.length - hash.length - 1
    return `${target.slice(0, room).replace(/-+$/, '')}-${hash}${suffix}`
  }
  return { target, staging: name('new'), retired: name('old') }
}

/** Lower-case letters and digits only: run ids are digits, but the names must stay valid. */
function clean(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20)
}
