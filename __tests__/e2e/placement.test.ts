/**
 * Where the copy goes (issue 13, "Placement in one account"), one rule for clone and relay: in
 * one account each placement input not set is the source's own, and the log and summary say so;
 * across accounts a missing subnet group or security groups is refused before anything is
 * created; missing parameter groups are named in a warning that lists only what is missing.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  calls,
  createdSince,
  inventoryOf,
  ROLE_ARNS,
  runAction,
  startWorld,
  type Simulator,
  type WorldOptions,
} from './harness.ts'
import { errorLine, stagingInputs } from './clone-world.ts'
import { SOURCE_SECURITY_GROUP } from '../../sim/fixtures/production.ts'

type Fixture = Parameters<NonNullable<WorldOptions['fixture']>>[0]
type RdsAccount = NonNullable<Fixture['resources']['rds']>['accounts'][number]

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const AURORA_CLUSTER_PG = 'prod-aurora-cluster-pg16'
const AURORA_INSTANCE_PG = 'prod-aurora-instance-pg16'
const INSTANCE_PG = 'prod-pg16'

/**
 * The production account's databases in their own parameter groups (not AWS's defaults), so that
 * a copy that got them can only have taken them from the source.
 */
function ownParameterGroups(fixture: Fixture): Fixture {
  const rds = fixture.resources.rds
  if (!rds) return fixture
  const production = (a: RdsAccount): RdsAccount => ({
    ...a,
    clusterParameterGroups: [
      ...(a.clusterParameterGroups ?? []),
      { name: AURORA_CLUSTER_PG, family: 'aurora-postgresql16' },
    ],
    parameterGroups: [
      ...(a.parameterGroups ?? []),
      { name: AURORA_INSTANCE_PG, family: 'aurora-postgresql16' },
      { name: INSTANCE_PG, family: 'postgres16' },
    ],
    clusters: (a.clusters ?? []).map((c) =>
      c.identifier === 'prod-aurora'
        ? {
            ...c,
            clusterParameterGroup: AURORA_CLUSTER_PG,
            instances: (c.instances ?? []).map((i) => ({
              ...i,
              parameterGroup: AURORA_INSTANCE_PG,
            })),
          }
        : c,
    ),
    instances: (a.instances ?? []).map((i) =>
      i.identifier === 'prod-pg' ? { ...i, parameterGroup: INSTANCE_PG } : i,
    ),
  })
  const accounts = rds.accounts.map((a) => (a.account === ACCOUNTS.production ? production(a) : a))
  return { ...fixture, resources: { ...fixture.resources, rds: { ...rds, accounts } } }
}

type Item = Record<string, unknown>

function find(s: Simulator, type: string, field: string, id: string): Item {
  const found = (s.inventory(ACCOUNTS.production)[type] as Item[] | undefined)?.find(
    (item) => item[field] === id,
  )
  if (!found) throw new Error(`${type} ${id} not in the production inventory`)
  return found
}

/** The placement a cluster copy got, as DescribeDBClusters shows it. */
function clusterPlacement(s: Simulator, id: string) {
  const cluster = find(s, 'db-clusters', 'DBClusterIdentifier', id) as {
    DBSubnetGroup: string
    VpcSecurityGroups: { VpcSecurityGroupId: string }[]
    DBClusterParameterGroup: string
  }
  return {
    subnetGroup: cluster.DBSubnetGroup,
    securityGroups: cluster.VpcSecurityGroups.map((g) => g.VpcSecurityGroupId),
    clusterParameterGroup: cluster.DBClusterParameterGroup,
  }
}

/** The placement an instance got, as DescribeDBInstances shows it. */
function instancePlacement(s: Simulator, id: string) {
  const instance = find(s, 'db-instances', 'DBInstanceIdentifier', id) as {
    DBSubnetGroup: { DBSubnetGroupName: string }
    VpcSecurityGroups: { VpcSecurityGroupId: string }[]
    DBParameterGroups: { DBParameterGroupName: string }[]
  }
  return {
    subnetGroup: instance.DBSubnetGroup.DBSubnetGroupName,
    securityGroups: instance.VpcSecurityGroups.map((g) => g.VpcSecurityGroupId),
    parameterGroups: instance.DBParameterGroups.map((g) => g.DBParameterGroupName),
  }
}

/** One role: source and destination are the production account. */
const oneAccount = (source: string, target: string, extra: Record<string, string> = {}) => ({
  'source-role-arn': ROLE_ARNS.source,
  source,
  target,
  ...extra,
})

const AURORA_INHERITED =
  "Placement: DB subnet group prod-db (the source's), VPC security groups sg-0970d00000000000a (the source's), DB cluster parameter group prod-aurora-cluster-pg16 (the source's), DB parameter group prod-aurora-instance-pg16 (the source's); source and destination are one account and db-subnet-group, vpc-security-group-ids, db-cluster-parameter-group, db-parameter-group are not set, so the copy takes the source's"

describe('placement in one account: the copy takes the source’s', () => {
  it('clone: subnet group, security groups and both parameter groups come from the source', async () => {
    sim = await startWorld({ fixture: ownParameterGroups })
    const run = await runAction({ sim, inputs: oneAccount('prod-aurora', 'pr-inherit') })
    expect(errorLine(run.log)).toBe('')
    expect(run.exitCode).toBe(0)
    expect(clusterPlacement(sim, 'pr-inherit')).toEqual({
      subnetGroup: 'prod-db',
      securityGroups: [SOURCE_SECURITY_GROUP],
      clusterParameterGroup: AURORA_CLUSTER_PG,
    })
    expect(instancePlacement(sim, 'pr-inherit-1').parameterGroups).toEqual([AURORA_INSTANCE_PG])
    expect(run.log).toContain(AURORA_INHERITED)
    expect(run.summary).toContain(AURORA_INHERITED.replace(/'/g, '&#39;'))
    expect(run.log).not.toMatch(/::warning[^:]*::No db-/)
  })

  it('clone: an input that is set wins, the rest still comes from the source', async () => {
    sim = await startWorld({ fixture: ownParameterGroups })
    const run = await runAction({
      sim,
      inputs: oneAccount('prod-aurora', 'pr-mixed', {
        'db-cluster-parameter-group': 'default.aurora-postgresql16',
      }),
    })
    expect(run.exitCode).toBe(0)
    expect(clusterPlacement(sim, 'pr-mixed')).toEqual({
      subnetGroup: 'prod-db',
      securityGroups: [SOURCE_SECURITY_GROUP],
      clusterParameterGroup: 'default.aurora-postgresql16',
    })
    expect(run.log).toContain(
      'DB cluster parameter group default.aurora-postgresql16, DB parameter group prod-aurora-instance-pg16 (the source',
    )
  })

  it('Aurora relay: the restored cluster and its instance take the source’s placement', async () => {
    sim = await startWorld({ fixture: ownParameterGroups })
    const run = await runAction({
      sim,
      inputs: oneAccount('prod-aurora', 'aurora-copy', { method: 'relay' }),
    })
    expect(errorLine(run.log)).toBe('')
    expect(run.exitCode).toBe(0)
    expect(clusterPlacement(sim, 'aurora-copy')).toEqual({
      subnetGroup: 'prod-db',
      securityGroups: [SOURCE_SECURITY_GROUP],
      clusterParameterGroup: AURORA_CLUSTER_PG,
    })
    expect(instancePlacement(sim, 'aurora-copy-1').parameterGroups).toEqual([AURORA_INSTANCE_PG])
    expect(run.log).toContain(AURORA_INHERITED)
  })

  it('DB instance relay: subnet group, security groups and parameter group come from the source', async () => {
    sim = await startWorld({ fixture: ownParameterGroups })
    const run = await runAction({ sim, inputs: oneAccount('prod-pg', 'pg-copy') })
    expect(errorLine(run.log)).toBe('')
    expect(run.exitCode).toBe(0)
    expect(instancePlacement(sim, 'pg-copy')).toEqual({
      subnetGroup: 'prod-db',
      securityGroups: [SOURCE_SECURITY_GROUP],
      parameterGroups: [INSTANCE_PG],
    })
    expect(run.summary).toContain(
      'Placement: DB subnet group prod-db (the source&#39;s), VPC security groups sg-0970d00000000000a (the source&#39;s), DB parameter group prod-pg16 (the source&#39;s)',
    )
  })
})

/** Two more subnet groups in production: one in the source's VPC, one in another VPC. */
function moreSubnetGroups(fixture: Fixture): Fixture {
  const rds = fixture.resources.rds
  if (!rds) return fixture
  const accounts = rds.accounts.map((a) =>
    a.account === ACCOUNTS.production
      ? {
          ...a,
          subnetGroups: [
            ...(a.subnetGroups ?? []),
            { name: 'prod-db-b', vpcId: `vpc-${ACCOUNTS.production}` },
            { name: 'other-vpc-db', vpcId: 'vpc-0other' },
          ],
        }
      : a,
  )
  return { ...fixture, resources: { ...fixture.resources, rds: { ...rds, accounts } } }
}

describe('placement in one account: a subnet group given, the security groups inherited', () => {
  it('takes the source’s security groups into another subnet group of the same VPC', async () => {
    sim = await startWorld({ fixture: moreSubnetGroups })
    const run = await runAction({
      sim,
      inputs: oneAccount('prod-aurora', 'pr-subnet', { 'db-subnet-group': 'prod-db-b' }),
    })
    expect(errorLine(run.log)).toBe('')
    expect(clusterPlacement(sim, 'pr-subnet')).toMatchObject({
      subnetGroup: 'prod-db-b',
      securityGroups: [SOURCE_SECURITY_GROUP],
    })
  })

  it('refuses, before anything is created, a subnet group in another VPC than the source’s security groups', async () => {
    sim = await startWorld({ fixture: moreSubnetGroups })
    const before = inventoryOf(sim, ACCOUNTS.production)
    const run = await runAction({
      sim,
      inputs: oneAccount('prod-pg', 'pg-subnet', { 'db-subnet-group': 'other-vpc-db' }),
    })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(
      `db-subnet-group other-vpc-db is in VPC vpc-0other, but the security groups the copy would take from the source belong to VPC vpc-${ACCOUNTS.production} (subnet group prod-db)`,
    )
    expect(createdSince(before, inventoryOf(sim, ACCOUNTS.production))).toEqual({})
  })
})

describe('placement across accounts', () => {
  const unplaced = { 'db-subnet-group': '', 'vpc-security-group-ids': '' }

  it.each([
    ['clone', 'prod-aurora', {}],
    ['relay', 'prod-aurora', { method: 'relay' }],
  ])(
    '%s without a subnet group and security groups is refused before anything is created',
    async (_method, source, extra) => {
      sim = await startWorld()
      const before = {
        production: inventoryOf(sim, ACCOUNTS.production),
        staging: inventoryOf(sim, ACCOUNTS.staging),
      }
      const run = await runAction({
        sim,
        inputs: { ...stagingInputs('pr-unplaced'), source, ...unplaced, ...extra },
      })
      expect(run.exitCode).toBe(1)
      expect(errorLine(run.log)).toContain(
        `The copy's placement in the destination account ${ACCOUNTS.staging} is not set: db-subnet-group, vpc-security-group-ids`,
      )
      expect(createdSince(before.production, inventoryOf(sim, ACCOUNTS.production))).toEqual({})
      expect(createdSince(before.staging, inventoryOf(sim, ACCOUNTS.staging))).toEqual({})
      expect(calls(sim).filter((c) => /:(Create|Restore|Copy|Modify)/.test(c))).toEqual([])
    },
  )

  it('the clone’s warning names only the parameter groups that are missing', async () => {
    sim = await startWorld()
    const none = await runAction({ sim, inputs: stagingInputs('pr-none') })
    expect(none.exitCode).toBe(0)
    expect(none.log).toContain(
      `::warning title=rds-refresh%3A pre-flight::No db-cluster-parameter-group, db-parameter-group: the copy in account ${ACCOUNTS.staging} gets the engine's default DB cluster parameter group and DB parameter group.`,
    )
    await sim.close()
    sim = await startWorld()
    const clusterOnly = await runAction({
      sim,
      inputs: { ...stagingInputs('pr-some'), 'db-cluster-parameter-group': 'staging-aurora-pg16' },
    })
    expect(clusterOnly.exitCode).toBe(0)
    const warnings = clusterOnly.log
      .split('\n')
      .filter((l) => l.startsWith('::warning title=rds-refresh%3A pre-flight::No '))
    expect(warnings).toEqual([
      `::warning title=rds-refresh%3A pre-flight::No db-parameter-group: the copy in account ${ACCOUNTS.staging} gets the engine's default DB parameter group. Set it to give the copy the parameters your workloads expect.`,
    ])
  })
})
