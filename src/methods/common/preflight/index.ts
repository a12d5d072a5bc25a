/**
 * The one pre-flight of every method: before anything is created, the checks that decide
 * whether AWS can make this copy, refused with the reason and the fix. Keys, placement and
 * snapshot quota are shared; each method adds its own few (clone/preflight.ts,
 * relay/preflight.ts).
 */
import { KEY_CHECKS } from './keys.js'
import type { Check, PreflightInput } from './input.js'
import { checkPlacement } from './placement.js'
import { checkSnapshotQuota } from './quota.js'

export { PREFLIGHT_STEP, refusal, type Check, type PreflightInput } from './input.js'
export {
  clusterPlacementMembers,
  describePlacement,
  requirePlacementOn,
  resolvePlacement,
  type Placement,
  type PlacementSource,
} from './placement.js'

/**
 * Runs the shared checks, with the method's own checks after placement (they concern the copy)
 * and before the snapshot quota (which costs the most calls), in that order.
 */
export async function runPreflight(
  input: PreflightInput,
  methodChecks: readonly Check[] = [],
): Promise<void> {
  const checks = [...KEY_CHECKS, checkPlacement, ...methodChecks, checkSnapshotQuota]
  for (const check of checks) await check(input)
}
