/**
 * Worlds of managed copies and leftovers for the lifecycle operations (delete, sweep, plan): the
 * production-like fixture plus resources planted in chosen accounts.
 */
import type { RdsAccountFixture } from '../../sim/src/services/rds/fixture.ts'
import { ACCOUNTS, startWorld, type WorldOptions } from './harness.js'

const DAY = 24 * 3600
const past = new Date(Date.now() - 3600_000).toISOString()
const future = new Date(Date.now() + 3 * DAY * 1000).toISOString()

export function managed(extra: Record<string, string> = {}): { Key: string; Value: string }[] {
  return Object.entries({
    'rds-refresh:managed': 'true',
    'rds-refresh:repository': 'acme/app',
    'rds-refresh:run-id': '900-1',
    ...extra,
  }).map(([Key, Value]) => ({ Key, Value }))
}

export function aurora(identifier: string, tags: { Key: string; Value: string }[], extra = {}) {
  return {
    identifier,
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    masterUsername: 'postgres',
    subnetGroup: 'staging-db',
    // The action tags the instances it adds as it tags the cluster.
    instances: [
      { identifier: `${identifier}-1`, instanceClass: 'db.r6g.large', writer: true, tags },
      { identifier: `${identifier}-2`, instanceClass: 'db.r6g.large', tags },
    ],
    tags,
    ...extra,
  }
}

export function postgres(identifier: string, tags: { Key: string; Value: string }[], extra = {}) {
  return {
    identifier,
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    masterUsername: 'postgres',
    allocatedStorage: 20,
    storageType: 'gp3',
    tags,
    ...extra,
  }
}

type AccountAdditions = Partial<
  Pick<RdsAccountFixture, 'clusters' | 'instances' | 'clusterSnapshots' | 'snapshots'>
>

/** The production world plus resources planted in the named accounts. */
export function worldWith(
  additions: Record<string, AccountAdditions>,
  options: Pick<WorldOptions, 'iam'> = {},
) {
  return startWorld({
    ...options,
    fixture: (fixture) => {
      const rds = fixture.resources.rds
      if (!rds) return fixture
      const accounts = rds.accounts.map((account) => {
        const add = additions[account.account]
        if (!add) return account
        return {
          ...account,
          clusters: [...(account.clusters ?? []), ...(add.clusters ?? [])],
          instances: [...(account.instances ?? []), ...(add.instances ?? [])],
          clusterSnapshots: [...(account.clusterSnapshots ?? []), ...(add.clusterSnapshots ?? [])],
          snapshots: [...(account.snapshots ?? []), ...(add.snapshots ?? [])],
        }
      })
      return { ...fixture, resources: { ...fixture.resources, rds: { accounts } } }
    },
  })
}

/** The sweep world: every case the issue names, in the destination, the source and a third account. */
export function sweepWorld() {
  const old = { ageSeconds: 2 * DAY }
  return worldWith({
    [ACCOUNTS.staging]: {
      clusters: [
        aurora(
          'pr-expired',
          managed({ 'rds-refresh:purpose': 'copy', 'rds-refresh:expires-at': past }),
        ),
        aurora(
          'pr-fresh',
          managed({ 'rds-refresh:purpose': 'copy', 'rds-refresh:expires-at': future }),
        ),
        aurora('pr-undated', managed({ 'rds-refresh:purpose': 'copy' })),
        aurora('team-db', [{ Key: 'rds-refresh:expires-at', Value: past }]),
        aurora(
          'pr-protected',
          managed({ 'rds-refresh:purpose': 'copy', 'rds-refresh:expires-at': past }),
          { deletionProtection: true },
        ),
      ],
      instances: [
        postgres('pr-expired-db', managed({ 'rds-refresh:expires-at': past })),
        postgres('team-pg', []),
      ],
      clusterSnapshots: [
        {
          identifier: 'rds-refresh-900-1-cluster-snapshot',
          cluster: 'pr-undated',
          tags: managed({ 'rds-refresh:purpose': 'intermediate' }),
          ...old,
        },
        {
          identifier: 'rds-refresh-950-1-cluster-snapshot',
          cluster: 'pr-undated',
          tags: managed({ 'rds-refresh:purpose': 'intermediate' }),
          ageSeconds: 3600,
        },
      ],
      snapshots: [
        { identifier: 'rds-refresh-900-1-copy', instance: 'team-pg', tags: managed(), ...old },
        { identifier: 'team-pg-manual', instance: 'team-pg', tags: [], ...old },
      ],
    },
    [ACCOUNTS.production]: {
      instances: [
        postgres('rds-refresh-901-1-tmp', managed({ 'rds-refresh:purpose': 'intermediate' }), old),
      ],
      clusterSnapshots: [
        {
          identifier: 'rds-refresh-903-1-cluster-multiaz',
          cluster: 'prod-multiaz',
          tags: managed({ 'rds-refresh:purpose': 'intermediate' }),
          ...old,
        },
      ],
      snapshots: [
        {
          identifier: 'rds-refresh-902-1-snapshot-instance',
          instance: 'prod-pg',
          tags: managed({ 'rds-refresh:purpose': 'handoff' }),
          ...old,
        },
      ],
    },
    [ACCOUNTS.partner]: {
      clusters: [
        aurora(
          'pr-partner',
          managed({ 'rds-refresh:purpose': 'copy', 'rds-refresh:expires-at': past }),
        ),
      ],
    },
  })
}

export const SWEPT = [
  'pr-expired',
  'pr-expired-db',
  'rds-refresh-900-1-cluster-snapshot',
  'rds-refresh-900-1-copy',
  'rds-refresh-901-1-tmp',
  'rds-refresh-902-1-snapshot-instance',
  'rds-refresh-903-1-cluster-multiaz',
]
