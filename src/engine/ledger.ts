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
