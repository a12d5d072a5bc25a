/**
 * What a rename leaves behind, as AWS shows it: resource ids that never change, and a window in
 * which a describe of the name a resource left still answers with that resource as it was
 * (aws-reference 0.1 "rename gotcha", E3/E4: "the old DNS name ... could remain cached").
 */
import type { AnyRecord, ResourceType } from './records.ts'
import type { RdsStore } from './store.ts'

/** Simulated seconds a name keeps answering with the resource that left it, by default. */
export const DEFAULT_RENAME_STALE_SECONDS = 180

interface Ghost {
  readonly record: AnyRecord
  readonly type: ResourceType
  readonly account: string
  readonly identifier: string
  /** The resource as a describe showed it before the rename was asked for. */
  readonly shape: Record<string, unknown>
  /** Visible from when the resource leaves the name until `until` (simulated ms). */
  from: number
  readonly until: number
}

const ghostsByStore = new WeakMap<RdsStore, Ghost[]>()

function ghostsOf(store: RdsStore): Ghost[] {
  let ghosts = ghostsByStore.get(store)
  if (!ghosts) {
    ghosts = []
    ghostsByStore.set(store, ghosts)
  }
  return ghosts
}

/**
 * A rename of `record` was accepted: from the moment it leaves its name (`leavesAt`), a describe
 * of that name answers `shape` (the resource as it was, `available`) for `renameStale` seconds.
 * A new modification of the same resource ends its earlier ghosts.
 */
export function leaveGhost(
  store: RdsStore,
  record: AnyRecord,
  options: { shape: Record<string, unknown>; leavesAt: number },
): void {
  dropGhostsOf(store, record)
  const seconds = store.env.scenario.durations.renameStale ?? DEFAULT_RENAME_STALE_SECONDS
  ghostsOf(store).push({
    record,
    type: record.type,
    account: record.account,
    identifier: record.identifier,
    shape: options.shape,
    from: options.leavesAt,
    until: options.leavesAt + seconds * 1000,
  })
}

export function dropGhostsOf(store: RdsStore, record: AnyRecord): void {
  const ghosts = ghostsOf(store)
  for (let i = ghosts.length - 1; i >= 0; i--) {
    if (ghosts[i]?.record === record) ghosts.splice(i, 1)
  }
}

/** The stale answer for a describe of `identifier` by name, if one is due now. */
export function ghostFor(
  store: RdsStore,
  query: { type: ResourceType; account: string; identifier: string },
): Record<string, unknown> | undefined {
  const now = store.now()
  const ghosts = ghostsOf(store)
  for (let i = ghosts.length - 1; i >= 0; i--) {
    const ghost = ghosts[i] as Ghost
    if (ghost.until <= now) {
      ghosts.splice(i, 1)
      continue
    }
    const same =
      ghost.type === query.type &&
      ghost.account === query.account &&
      ghost.identifier === query.identifier
    // The resource itself is back under this name: the live answer is the truth again.
    if (same && ghost.from <= now && ghost.record.identifier !== ghost.identifier) {
      return ghost.shape
    }
  }
  return undefined
}
