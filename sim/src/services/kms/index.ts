/**
 * The simulator's KMS: keys, aliases, a reduced key policy and grants, per account.
 * See README.md in this folder for what is modelled and which choices are UNCONFIRMED.
 */
import type { KeyInfo, KmsView, ServiceEnv, ServiceHandlers } from '../../core/types.ts'
import type { KmsKeyFixture } from '../fixture.ts'
import { keyInventory } from './inventory.ts'
import { kmsHandlers } from './handlers.ts'
import { grantsPrincipalsDirectly } from './policy.ts'
import { KmsStore } from './store.ts'

export { AWS_RDS_ALIAS } from './store.ts'

/** What the simulator composes: the handlers, RDS's view of KMS, fixtures and inventory. */
export interface Kms {
  readonly handlers: ServiceHandlers
  readonly view: KmsView
  /** Creates fixture keys (and their aliases) before any call. */
  seed(keys: readonly KmsKeyFixture[]): void
  /** `{ 'kms-keys', 'kms-aliases', 'kms-grants' }` of one account, for "nothing left behind" tests. */
  inventory(account: string): Record<string, unknown[]>
}

/** Creates the KMS service of one simulated region. */
export function createKms(env: ServiceEnv): Kms {
  const store = new KmsStore(env.region, () => env.clock.now())
  const view: KmsView = {
    resolveKey(callerAccount: string, keyRef: string): KeyInfo | undefined {
      try {
        const key = store.find(callerAccount, store.parseRef(callerAccount, keyRef))
        return key && store.info(key)
      } catch {
        return undefined // a malformed ARN names no key
      }
    },
    canUse(account: string, keyArn: string): boolean {
      const key = view.resolveKey(account, keyArn)
      const stored = key && store.keys.get(key.arn)
      return stored !== undefined && stored.enabled && store.mayUseThroughRds(account, stored)
    },
    awsManagedRdsKey: (account: string): KeyInfo => store.info(store.awsManagedRdsKey(account)),
    delegatesToIdentity(account, keyArn, action, viaRds): boolean {
      const stored = store.keys.get(keyArn)
      if (!stored) return true
      return !grantsPrincipalsDirectly(stored.policy, { account, action, viaRds })
    },
  }
  return {
    handlers: kmsHandlers(store),
    view,
    seed(keys: readonly KmsKeyFixture[]): void {
      for (const fixture of keys) {
        const key = store.createKey({
          account: fixture.account,
          keyId: fixture.keyId,
          allowAccounts: fixture.allowAccounts,
          policy: fixture.policy,
          enabled: fixture.enabled,
          description: fixture.alias === undefined ? undefined : `fixture key ${fixture.alias}`,
        })
        if (fixture.alias !== undefined) {
          store.createAlias(fixture.account, `alias/${fixture.alias}`, key.keyId)
        }
      }
    },
    inventory: (account: string) => keyInventory(store, account),
  }
}
