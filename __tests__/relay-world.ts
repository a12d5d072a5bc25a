/**
 * The relay's unit-test world: the simulator's production fixture (production 111111111111,
 * staging 222222222222) with the placement the relay tests name, and the settings they share.
 */
import { relayPlan } from '../src/methods/relay/plan.js'
import type { PlanResult } from '../src/engine/engine.js'
import type { Settings } from '../src/settings.js'
import { testSettings as baseSettings } from '../__fixtures__/settings.js'
import {
  DESTINATION_KEY_ARN,
  SOURCE_KEY_ARN,
  STAGING_SECURITY_GROUPS,
} from '../sim/fixtures/production.ts'
import type { WorldOptions } from './e2e/harness.js'
import {
  simContext,
  runSimPlan,
  startUnitWorld,
  type ContextOptions,
  type SimRun,
  type Simulator,
} from './sim-accounts.js'

export const PROD = '111111111111'
export const STAGING = '222222222222'
export const PROD_KEY = SOURCE_KEY_ARN
export const STAGING_KEY = DESTINATION_KEY_ARN
export const STAGING_SG = STAGING_SECURITY_GROUPS[0]
/** A security group of production for the temporary instance (temp-vpc-security-group-ids). */
export const RELAY_SG = 'sg-0e1a70000000000a'

type Fixture = Parameters<NonNullable<WorldOptions['fixture']>>[0]
type RdsAccount = NonNullable<Fixture['resources']['rds']>['accounts'][number]

/** What a test changes in the world before it starts. */
export interface RelayWorldOptions {
  /** Production's databases are encrypted with its AWS managed key aws/rds. */
  readonly awsManagedKey?: boolean
  /** The source key's policy: `use` (default) lets staging use it, `describe` only describe it, `none` neither. */
  readonly sourceKeyFor?: 'use' | 'describe' | 'none'
  /** Change the production or staging RDS account further. */
  readonly production?: (account: RdsAccount) => RdsAccount
  readonly staging?: (account: RdsAccount) => RdsAccount
}

const describeOnlyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PROD}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${STAGING}:root` },
      Action: 'kms:DescribeKey',
      Resource: '*',
    },
  ],
})

/** Production as the relay tests need it: named parameter groups, a relay subnet and group. */
function relayProduction(account: RdsAccount, awsManagedKey: boolean): RdsAccount {
  const key = (alias: string | undefined) => (awsManagedKey ? 'aws/rds' : alias)
  return {
    ...account,
    subnetGroups: [...(account.subnetGroups ?? []), { name: 'prod-relay' }],
    securityGroupIds: [...(account.securityGroupIds ?? []), RELAY_SG],
    clusterParameterGroups: [
      ...(account.clusterParameterGroups ?? []),
      { name: 'prod-pg16-cluster', family: 'postgres16' },
    ],
    parameterGroups: [
      ...(account.parameterGroups ?? []),
      { name: 'prod-pg16', family: 'postgres16' },
    ],
    clusters: (account.clusters ?? []).map((c) =>
      c.identifier === 'prod-multiaz'
        ? { ...c, clusterParameterGroup: 'prod-pg16-cluster', kmsKeyAlias: key(c.kmsKeyAlias) }
        : c,
    ),
    instances: (account.instances ?? []).map((i) =>
      i.identifier === 'prod-pg'
        ? { ...i, parameterGroup: 'prod-pg16', kmsKeyAlias: key(i.kmsKeyAlias) }
        : i,
    ),
  }
}

function relayStaging(account: RdsAccount): RdsAccount {
  return {
    ...account,
    clusterParameterGroups: [
      ...(account.clusterParameterGroups ?? []),
      { name: 'staging-pg16-cluster', family: 'postgres16' },
    ],
  }
}

/** Starts the relay world; the caller closes it. */
export function startRelayWorld(options: RelayWorldOptions = {}): Promise<Simulator> {
  return startUnitWorld({
    fixture: (fixture) => {
      const rds = fixture.resources.rds
      const accounts = (rds?.accounts ?? []).map((a) => {
        if (a.account === PROD) {
          const changed = relayProduction(a, options.awsManagedKey ?? false)
          return options.production ? options.production(changed) : changed
        }
        if (a.account === STAGING) {
          const changed = relayStaging(a)
          return options.staging ? options.staging(changed) : changed
        }
        return a
      })
      const sourceKeyFor = options.sourceKeyFor ?? 'use'
      const kmsKeys = (fixture.resources.kmsKeys ?? []).map((k) =>
        k.account !== PROD || sourceKeyFor === 'use'
          ? k
          : sourceKeyFor === 'describe'
            ? { ...k, policy: describeOnlyPolicy }
            : { ...k, allowAccounts: [] },
      )
      return { ...fixture, resources: { ...fixture.resources, kmsKeys, rds: { accounts } } }
    },
  })
}

export function relaySettings(overrides: Partial<Settings> = {}): Settings {
  return baseSettings({
    region: 'us-east-1',
    roleSessionName: 'rds-refresh-test',
    source: { identifier: 'prod-multiaz' },
    target: 'staging-db',
    method: 'relay',
    run: { workflow: 'refresh' },
    ...overrides,
  })
}

/** Destination placement that exists in the staging account. */
export const STAGING_PLACEMENT: Partial<Settings> = {
  kmsKeyId: STAGING_KEY,
  dbSubnetGroup: 'staging-db',
  vpcSecurityGroupIds: [STAGING_SG],
}

/** A relay context from production to staging (or within production with `sameAccount`). */
export function relayContext(
  sim: Simulator,
  options: Omit<ContextOptions, 'sourceAccount' | 'destinationAccount'> & {
    readonly sameAccount?: boolean
  },
): Promise<SimRun> {
  const { sameAccount, ...rest } = options
  return simContext(sim, {
    ...rest,
    settings: walkSevenSteps(rest),
    sourceAccount: PROD,
    destinationAccount: sameAccount ? PROD : STAGING,
  })
}

/**
 * The relay tests of the Multi-AZ source walk the 7 steps; the direct path and its fallback are
 * tested in e2e/multiaz-paths.test.ts and multiaz-path.test.ts.
 */
function walkSevenSteps(options: Pick<ContextOptions, 'settings' | 'source'>): Settings {
  const { settings } = options
  const multiAz = (options.source ?? settings.source?.identifier) === 'prod-multiaz'
  return multiAz && settings.multiAzPath === 'auto'
    ? { ...settings, multiAzPath: 'seven-step' }
    : settings
}

/** Plans and runs the relay of the context. */
export function runRelay(run: SimRun): Promise<PlanResult> {
  return runSimPlan(run, relayPlan(run.ctx))
}
