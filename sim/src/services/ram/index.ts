/**
 * The simulator's RAM: resource shares of RDS clusters, their associations and invitations.
 * See README.md in this folder for what is modelled and which choices are UNCONFIRMED.
 */
import type { RamView, ServiceEnv, ServiceHandlers } from '../../core/types.ts'
import { associationOut, invitationOut, ramHandlers, shareOut } from './handlers.ts'
import { RamStore, type ResourceLookup } from './store.ts'

export { INVITATION_EXPIRY_SECONDS } from './store.ts'
export { DEFAULT_MAX_RESULTS } from './paging.ts'

/** What the simulator composes: the handlers, RDS's view of RAM and the inventory. */
export interface Ram {
  readonly handlers: ServiceHandlers
  readonly view: RamView
  /** `{ 'resource-shares', 'resource-share-invitations' }` of one account (as owner or party). */
  inventory(account: string): Record<string, unknown[]>
}

/**
 * Creates the RAM service of one simulated region. `resources` tells RAM which ARNs exist and who
 * owns them (RDS answers for `rds:Cluster`).
 */
export function createRam(env: ServiceEnv, resources: ResourceLookup): Ram {
  const store = new RamStore(env, resources)
  return {
    handlers: ramHandlers(store),
    view: {
      isSharedWith(resourceArn: string, account: string): boolean {
        store.scheduler.settle()
        return store.isSharedWith(resourceArn, account)
      },
      tagsOf(shareArn: string): Readonly<Record<string, string>> | undefined {
        const share = store.shares.get(shareArn)
        return share && Object.fromEntries(share.tags.map((t) => [t.key, t.value ?? '']))
      },
    },
    inventory(account: string): Record<string, unknown[]> {
      store.scheduler.settle()
      return {
        'resource-shares': [...store.shares.values()]
          .filter((s) => s.owner === account)
          .map((s) => ({
            ...shareOut(s),
            associations: store.associations
              .filter((a) => a.shareArn === s.arn)
              .map((a) => associationOut(store, a)),
          })),
        'resource-share-invitations': [...store.invitations.values()]
          .filter((i) => i.sender === account || i.receiver === account)
          .map(invitationOut),
      }
    },
  }
}
