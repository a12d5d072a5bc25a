/**
 * The scenarios `npm run bench` measures, one entry each, in the order of the table. Adding a
 * scenario is one entry here; `needsInput` keeps a row that depends on an input another branch
 * adds (it prints "not built" until action.yml declares the input).
 */
import { ROLE_ARNS } from '../sim/fixtures/production.ts'
import type { ScenarioOptions } from '../sim/src/scenario.ts'

export interface BenchScenario {
  readonly name: string
  /** Inputs besides region, endpoint, source role and poll interval; `target` is made unique. */
  readonly inputs: Readonly<Record<string, string>>
  /** World settings (e.g. whether AWS shares Multi-AZ DB cluster snapshots). */
  readonly world?: Pick<ScenarioOptions, 'multiAzSnapshotSharing' | 'durations'>
  /** Refreshes started at once against one simulator, each with its own target. */
  readonly concurrent?: number
  /** Runs the action once before the measured run with these extra inputs (e.g. a copy to replace). */
  readonly prepare?: Readonly<Record<string, string>>
  /** The row runs only once action.yml declares this input. */
  readonly needsInput?: string
  /** Prefix of the relay's temporary instance, which the blog pipeline deletes on the path. */
  readonly tempInstancePrefix?: string
  /**
   * A path the blog pipeline cannot take (it never shares the cluster snapshot): the blog column
   * shows its pipeline on the named scenario, the same source on the same durations.
   */
  readonly blogAs?: string
}

const REGION = 'us-east-1'

/** A destination in the staging account: its role, key, subnet group and security group. */
const STAGING = {
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': `arn:aws:kms:${REGION}:222222222222:alias/rds-staging`,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': 'sg-05a9e00000000000a',
} as const

const SAME_ACCOUNT = {
  source: 'prod-aurora',
  'db-subnet-group': 'prod-db',
  'vpc-security-group-ids': 'sg-0970d00000000000a',
} as const

const MULTI_AZ = { ...STAGING, source: 'prod-multiaz' } as const

/** The relay's temporary instance (Multi-AZ seven-step path). */
const TEMP = 'rds-refresh-'

const MULTI_AZ_SEVEN_STEPS = 'Multi-AZ DB cluster relay, seven steps'

export const SCENARIOS: readonly BenchScenario[] = [
  { name: 'Aurora clone, same account', inputs: { ...SAME_ACCOUNT, target: 'b-clone' } },
  {
    name: 'Aurora clone, cross-account, 2 instances',
    inputs: { ...STAGING, source: 'prod-aurora', target: 'b-xclone', 'instance-count': '2' },
  },
  {
    name: MULTI_AZ_SEVEN_STEPS,
    inputs: { ...MULTI_AZ, target: 'b-mz7', 'multi-az-path': 'seven-step' },
    tempInstancePrefix: TEMP,
  },
  {
    name: 'Multi-AZ DB cluster, direct restore',
    inputs: { ...MULTI_AZ, target: 'b-mzd', 'multi-az-path': 'direct' },
    world: { multiAzSnapshotSharing: 'share-and-restore' },
    needsInput: 'multi-az-path',
    blogAs: MULTI_AZ_SEVEN_STEPS,
  },
  {
    name: 'DB instance relay',
    inputs: { ...STAGING, source: 'prod-pg', target: 'b-pg', 'db-parameter-group': 'staging-pg16' },
  },
  {
    name: 'Aurora relay',
    inputs: { ...STAGING, source: 'prod-aurora', target: 'b-arelay', method: 'relay' },
  },
  {
    name: 'Replace (if-exists: replace, swap)',
    inputs: { ...SAME_ACCOUNT, target: 'b-swap', 'if-exists': 'replace' },
    prepare: {},
  },
  {
    name: 'Twenty Aurora clones at once, same account',
    inputs: { ...SAME_ACCOUNT, target: 'b-pr' },
    concurrent: 20,
  },
]
