/**
 * The production-like world (sim/fixtures/production.ts) as the safety scenarios use it: inputs
 * of each method into staging, and resources planted before a run.
 */
import type { WorldOptions } from '../e2e/harness.ts'
import { ACCOUNTS, KEYS, REGION, ROLE_ARNS } from '../e2e/harness.ts'
import { STAGING_SECURITY_GROUPS, STAGING_SUBNET_GROUP } from '../../sim/fixtures/production.ts'
import type {
  ClusterSnapshotFixture,
  InstanceFixture,
  RdsAccountFixture,
  SnapshotFixture,
  TagFixture,
} from '../../sim/src/services/rds/fixture.ts'

export type Fixture = Parameters<NonNullable<WorldOptions['fixture']>>[0]

export const PRODUCTION = ACCOUNTS.production
export const STAGING = ACCOUNTS.staging
export const PARTNER = ACCOUNTS.partner

/** The local runner's run: GITHUB_RUN_ID 4242, attempt 1. */
export const RUN_ID = '4242'
export const RUN_KEY = `rds-refresh-${RUN_ID}-1`

/** The copy methods: the Aurora clone and the three snapshot relays. */
export type Method = 'clone' | 'aurora-relay' | 'multiaz-relay' | 'instance-relay'
export const METHODS: readonly Method[] = [
  'clone',
  'aurora-relay',
  'multiaz-relay',
  'instance-relay',
]

const intoStaging = {
  'source-role-arn': ROLE_ARNS.source,
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': KEYS.staging,
  'db-subnet-group': STAGING_SUBNET_GROUP,
  'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
}

/** A valid cross-account refresh of each method into staging. */
export const METHOD_INPUTS: Record<Method, Readonly<Record<string, string>>> = {
  clone: { ...intoStaging, source: 'prod-aurora', target: 'pr-7-app' },
  'aurora-relay': {
    ...intoStaging,
    source: 'prod-aurora',
    target: 'staging-aurora',
    method: 'relay',
    'db-cluster-parameter-group': 'staging-aurora-pg16',
  },
  'multiaz-relay': { ...intoStaging, source: 'prod-multiaz', target: 'staging-mz' },
  'instance-relay': {
    ...intoStaging,
    source: 'prod-pg',
    target: 'staging-pg',
    'db-parameter-group': 'staging-pg16',
  },
}

/** The clone into the partner account (another organization: an invitation to accept). */
export const PARTNER_CLONE: Readonly<Record<string, string>> = {
  'source-role-arn': ROLE_ARNS.source,
  'destination-role-arn': ROLE_ARNS.partner,
  'allow-external-principals': 'true',
  'kms-key-id': KEYS.partner,
  'db-subnet-group': STAGING_SUBNET_GROUP,
  'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
  source: 'prod-aurora',
  target: 'pr-7-partner',
}

export const snapshotArn = (account: string, id: string): string =>
  `arn:aws:rds:${REGION}:${account}:snapshot:${id}`
export const clusterSnapshotArn = (account: string, id: string): string =>
  `arn:aws:rds:${REGION}:${account}:cluster-snapshot:${id}`

/** Tags that make a resource look like another run's (managed, another run id). */
export function anotherRunsTags(runId: string): TagFixture[] {
  return [
    { Key: 'rds-refresh:managed', Value: 'true' },
    { Key: 'rds-refresh:repository', Value: 'acme/app' },
    { Key: 'rds-refresh:run-id', Value: runId },
  ]
}

/** A DBA's database in staging: pre-existing, untagged, the source of planted staging snapshots. */
export const STAGING_LEGACY: InstanceFixture = {
  identifier: 'staging-legacy',
  engine: 'postgres',
  engineVersion: '16.4',
  instanceClass: 'db.t4g.medium',
  masterUsername: 'postgres',
  allocatedStorage: 50,
  storageType: 'gp3',
  kmsKeyAlias: 'rds-staging',
  subnetGroup: STAGING_SUBNET_GROUP,
  securityGroupIds: [...STAGING_SECURITY_GROUPS],
}

/** What to plant in one account before the run. */
export interface Planting {
  readonly account: string
  readonly instances?: readonly InstanceFixture[]
  readonly snapshots?: readonly SnapshotFixture[]
  readonly clusterSnapshots?: readonly ClusterSnapshotFixture[]
}

/** The production fixture with resources added to accounts. */
export function plant(...plantings: readonly Planting[]): (fixture: Fixture) => Fixture {
  return (fixture) => {
    const rds = fixture.resources.rds
    if (!rds) return fixture
    const accounts = rds.accounts.map((account): RdsAccountFixture => {
      const mine = plantings.filter((p) => p.account === account.account)
      if (mine.length === 0) return account
      return {
        ...account,
        instances: [...(account.instances ?? []), ...mine.flatMap((p) => p.instances ?? [])],
        snapshots: [...(account.snapshots ?? []), ...mine.flatMap((p) => p.snapshots ?? [])],
        clusterSnapshots: [
          ...(account.clusterSnapshots ?? []),
          ...mine.flatMap((p) => p.clusterSnapshots ?? []),
        ],
      }
    })
    return { ...fixture, resources: { ...fixture.resources, rds: { ...rds, accounts } } }
  }
}
