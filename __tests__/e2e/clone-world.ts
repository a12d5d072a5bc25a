/**
 * Helpers for the clone end-to-end tests: inputs for each account pairing, what the simulator's
 * inventory gained during a run, the requests of one run, and fixture additions.
 */
import type { ClusterFixture } from '../../sim/src/services/rds/fixture.ts'
import { ACCOUNTS, KEYS, ROLE_ARNS, type Simulator } from './harness.ts'
import type { productionFixture } from '../../sim/fixtures/production.ts'

export const SOURCE_ARN = `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster:prod-aurora`

/** Inputs of a same-account clone (one role: the destination defaults to the source). */
export function sameAccountInputs(target: string): Record<string, string> {
  return { 'source-role-arn': ROLE_ARNS.source, source: 'prod-aurora', target }
}

/**
 * Where a copy goes in the staging and partner accounts (both fixtures have these): across
 * accounts the action refuses to run without a subnet group and security groups.
 */
export const DESTINATION_PLACEMENT = {
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': 'sg-05a9e00000000000a',
} as const

/** Production → staging (same AWS Organization: no invitation). */
export function stagingInputs(target: string): Record<string, string> {
  return {
    'source-role-arn': ROLE_ARNS.source,
    'destination-role-arn': ROLE_ARNS.staging,
    source: 'prod-aurora',
    target,
    'kms-key-id': KEYS.staging,
    ...DESTINATION_PLACEMENT,
  }
}

/** Production → partner (another AWS Organization: RAM sends an invitation). */
export function partnerInputs(target: string): Record<string, string> {
  return {
    'source-role-arn': ROLE_ARNS.source,
    'destination-role-arn': ROLE_ARNS.partner,
    'allow-external-principals': 'true',
    source: 'prod-aurora',
    target,
    'kms-key-id': KEYS.partner,
    ...DESTINATION_PLACEMENT,
  }
}

type Inventory = Record<string, Set<string>>

/** A resource's identity, whichever service lists it. */
function identity(item: unknown): string {
  const record = item as Record<string, unknown>
  for (const key of [
    'DBClusterSnapshotIdentifier',
    'DBSnapshotIdentifier',
    'DBInstanceIdentifier',
    'DBClusterIdentifier',
    'resourceShareInvitationArn',
    'resourceShareArn',
    'KeyId',
    'AliasName',
    'GrantId',
  ]) {
    if (typeof record[key] === 'string') return record[key]
  }
  return JSON.stringify(item)
}

/**
 * KMS grants are what RDS makes on the keys for the new cluster's storage, not something the
 * action creates, so they are left out of "what the run created".
 */
const NOT_THE_ACTIONS = new Set(['kms-grants'])

export type InventorySnapshot = Record<string, Inventory>

export function inventoryOf(sim: Simulator): InventorySnapshot {
  return Object.fromEntries(
    Object.values(ACCOUNTS).map((account) => [
      account,
      Object.fromEntries(
        Object.entries(sim.inventory(account))
          .filter(([type]) => !NOT_THE_ACTIONS.has(type))
          .map(([type, items]) => [type, new Set(items.map(identity))]),
      ),
    ]),
  )
}

/** What exists now and did not before, by account and type (empty entries left out). */
export function added(
  sim: Simulator,
  before: InventorySnapshot,
): Record<string, Record<string, string[]>> {
  const after = inventoryOf(sim)
  const result: Record<string, Record<string, string[]>> = {}
  for (const [account, types] of Object.entries(after)) {
    for (const [type, ids] of Object.entries(types)) {
      const fresh = [...ids].filter((id) => !before[account]?.[type]?.has(id)).sort()
      if (fresh.length === 0) continue
      result[account] = { ...result[account], [type]: fresh }
    }
  }
  return result
}

/** The requests made from `from` on (an index into sim.requests), as `account service:Operation`. */
export function requestsSince(sim: Simulator, from: number) {
  return sim.requests.slice(from)
}

export function operations(sim: Simulator, from = 0, account?: string): string[] {
  return requestsSince(sim, from)
    .filter((r) => account === undefined || r.account === account)
    .map((r) => `${r.service}:${r.operation}`)
}

/** The input of the first request of an operation made from `from` on. */
export function inputOf(
  sim: Simulator,
  operation: string,
  from = 0,
): Record<string, unknown> | undefined {
  return requestsSince(sim, from).find((r) => r.operation === operation)?.input
}

type Fixture = ReturnType<typeof productionFixture>

/** Add clusters to one account's RDS fixture. */
export function withClusters(account: string, clusters: readonly ClusterFixture[]) {
  return (fixture: Fixture): Fixture => {
    const rds = fixture.resources.rds
    if (!rds) return fixture
    return {
      ...fixture,
      resources: {
        ...fixture.resources,
        rds: {
          ...rds,
          accounts: rds.accounts.map((a) =>
            a.account === account ? { ...a, clusters: [...(a.clusters ?? []), ...clusters] } : a,
          ),
        },
      },
    }
  }
}

/** The error line the action printed (`::error title=…::…`), its message unescaped. */
export function errorLine(log: string): string {
  const line = log.split('\n').find((l) => l.startsWith('::error')) ?? ''
  return line
    .replace(/^::error[^:]*::/, '')
    .replace(/%0A/g, '\n')
    .replace(/%25/g, '%')
}

/** Long-lived keys the tests add to the source account, to prepare a world with the real SDK. */
export const TEST_KEYS = {
  accessKeyId: 'AKIACLONETESTS000001',
  secretAccessKey: 'clone-tests-secret',
}

/** Give the source account the test keys (for setting up existing clones with the SDK). */
export function withTestKeys(fixture: Fixture): Fixture {
  return {
    ...fixture,
    accounts: fixture.accounts.map((a) =>
      a.id === ACCOUNTS.production
        ? { ...a, staticCredentials: [...(a.staticCredentials ?? []), TEST_KEYS] }
        : a,
    ),
  }
}
