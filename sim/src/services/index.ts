/**
 * PLACEHOLDER (replaced by sim-services): the services factory the transport imports. It answers
 * no operation; the real one implements RDS, KMS and RAM resource semantics.
 */
import type { KmsView, RamView, ServiceEnv, ServiceHandlers } from '../core/types.ts'
import type { ResourceFixture } from './fixture.ts'

export interface Services {
  handlers: { rds: ServiceHandlers; kms: ServiceHandlers; ram: ServiceHandlers }
  kms: KmsView
  ram: RamView
  seed(resources: ResourceFixture): void
  inventory(account: string): Record<string, unknown[]>
}

export function createServices(_env: ServiceEnv): Services {
  return {
    handlers: { rds: {}, kms: {}, ram: {} },
    kms: {
      resolveKey: () => undefined,
      canUse: () => false,
      awsManagedRdsKey: () => {
        throw new Error('placeholder services: no KMS')
      },
    },
    ram: { isSharedWith: () => false },
    seed: () => undefined,
    inventory: () => ({}),
  }
}
