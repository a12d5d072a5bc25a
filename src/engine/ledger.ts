import type { CreatedResource } from './types.js'

/**
 * Every resource the run created, in creation order, persisted on each change so that the post
 * step (and a summary after a failure) know what exists even if the main step is killed.
 */
export class Ledger {
  private readonly resources: CreatedResource[]

  constructor(
    private readonly persist: (resources: readonly CreatedResource[]) => void,
    initial: readonly CreatedResource[] = [],
  ) {
    this.resources = [...initial]
  }

  record(resource: CreatedResource): void {
    const index = this.resources.findIndex((r) => sameResource(r, resource))
    if (index >= 0) this.resources[index] = resource
    else this.resources.push(resource)
    this.persist(this.list())
  }

  release(resource: Pick<CreatedResource, 'kind' | 'side' | 'id'>): void {
    const index = this.resources.findIndex((r) => sameResource(r, resource))
    if (index < 0) return
    this.resources.splice(index, 1)
    this.persist(this.list())
  }

  list(): readonly CreatedResource[] {
    return [...this.resources]
  }
}

function sameResource(
  a: Pick<CreatedResource, 'kind' | 'side' | 'id'>,
  b: Pick<CreatedResource, 'kind' | 'side' | 'id'>,
): boolean {
  return a.kind === b.kind && a.side === b.side && a.id === b.id
}

/** How the main step ended, as the post step reads it; undefined when it never said (killed). */
export type RunOutcome = 'succeeded' | 'failed' | undefined

/**
 * What the post step removes: intermediates and a replace's retired copy always, the copy and a
 * source-phase hand-off unless the run succeeded; `kept` resources outlive the run on purpose.
 */
export function leftForPostStep(
  resources: readonly CreatedResource[],
  outcome: RunOutcome,
): CreatedResource[] {
  return resources.filter(
    (r) =>
      r.disposal === 'temporary' ||
      r.disposal === 'retired' ||
      ((r.disposal === 'copy' || r.disposal === 'handoff') && outcome !== 'succeeded'),
  )
}

/**
 * What the post step will do, as a clause for a stop or cancel message, e.g. `the post step
 * removes db-cluster pr-1 (destination account)` or `the copy pr-1 is kept; the post step has
 * nothing to remove`.
 */
export function describePostStep(
  resources: readonly CreatedResource[],
  outcome: RunOutcome,
): string {
  const removed = leftForPostStep(resources, outcome)
  const keptCopies = resources.filter((r) => r.disposal === 'copy' && !removed.includes(r))
  const kept =
    keptCopies.length > 0 ? `the copy ${keptCopies.map((r) => r.id).join(', ')} is kept; ` : ''
  if (removed.length === 0) return `${kept}the post step has nothing to remove`
  const list = removed.map((r) => `${r.kind} ${r.id} (${r.side} account)`).join(', ')
  return `${kept}the post step removes ${list}`
}

/**
 * What a cancel means at this moment, from what the post step will read: once every step has
 * succeeded the copy is finished and kept, and only intermediates are left to remove.
 */
export function describeCancel(resources: readonly CreatedResource[], outcome: RunOutcome): string {
  if (outcome === 'succeeded') {
    return `the refresh had already finished; ${describePostStep(resources, outcome)}`
  }
  return `stopping; ${describePostStep(resources, 'failed')}`
}
