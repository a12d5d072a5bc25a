/**
 * The production world served over HTTP, with real SDK clients per account: the harness of the
 * over-the-wire fidelity tests. Each test starts its own world (scenario options included) and
 * closes it.
 */
import { KMSClient } from '@aws-sdk/client-kms'
import { RAMClient } from '@aws-sdk/client-ram'
import { RDSClient } from '@aws-sdk/client-rds'
import { startSimulator } from '../src/index.ts'
import type { Simulator } from '../src/index.ts'
import type { ScenarioOptions } from '../src/scenario.ts'
import type { Fixture } from '../src/core/types.ts'
import type { ResourceFixture } from '../src/services/fixture.ts'
import {
  DESTINATION_ACCESS_KEY_ID,
  PARTNER_ACCESS_KEY_ID,
  SOURCE_ACCESS_KEY_ID,
  productionFixture,
} from '../fixtures/production.ts'

const SECRET = 'simulator/secret/not-a-real-key/EXAMPLEKEY'

export interface AccountClients {
  readonly rds: RDSClient
  readonly kms: KMSClient
  readonly ram: RAMClient
}

export interface WireWorld {
  readonly sim: Simulator
  readonly source: AccountClients
  readonly destination: AccountClients
  readonly partner: AccountClients
  /** Lets simulated time pass (the clock runs 60000 times real time). */
  settle(ms?: number): Promise<void>
  close(): Promise<void>
}

export async function wireWorld(
  options: { scenario?: ScenarioOptions; fixture?: Fixture<ResourceFixture> } = {},
): Promise<WireWorld> {
  const sim = await startSimulator({
    fixture: options.fixture ?? productionFixture(),
    scenario: { clockScale: 60000, ...options.scenario },
  })
  const config = (accessKeyId: string) => ({
    region: sim.region,
    endpoint: sim.url,
    credentials: { accessKeyId, secretAccessKey: SECRET },
    maxAttempts: 1,
  })
  const clients = (accessKeyId: string): AccountClients => ({
    rds: new RDSClient(config(accessKeyId)),
    kms: new KMSClient(config(accessKeyId)),
    ram: new RAMClient(config(accessKeyId)),
  })
  const all = [
    clients(SOURCE_ACCESS_KEY_ID),
    clients(DESTINATION_ACCESS_KEY_ID),
    clients(PARTNER_ACCESS_KEY_ID),
  ] as const
  return {
    sim,
    source: all[0],
    destination: all[1],
    partner: all[2],
    settle: (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms)),
    async close() {
      for (const c of all) {
        c.rds.destroy()
        c.kms.destroy()
        c.ram.destroy()
      }
      await sim.close()
    },
  }
}

/** The AWS error name (SDK shape name) and message of a failed call. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string }> {
  try {
    await promise
  } catch (error) {
    const e = error as { name: string; message: string }
    return { name: e.name, message: e.message }
  }
  throw new Error('expected the call to fail')
}
