import { describe, expect, it } from '@jest/globals'
import {
  describePlacement,
  resolvePlacement,
  type PlacementSource,
} from '../src/methods/common/preflight/index.js'
import type { SourceDatabase } from '../src/methods/common/detect.js'
import type { Settings } from '../src/settings.js'
import { testSettings } from '../__fixtures__/settings.js'

const SG = [{ VpcSecurityGroupId: 'sg-0970d00000000000a' }]

const aurora: SourceDatabase = {
  kind: 'aurora-cluster',
  identifier: 'prod-aurora',
  arn: 'arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora',
  engine: 'aurora-postgresql',
  engineVersion: '16.4',
  status: 'available',
  encrypted: true,
  cluster: { DBSubnetGroup: 'prod-db', VpcSecurityGroups: SG, DBClusterParameterGroup: 'prod-cpg' },
  writerParameterGroup: 'prod-ipg',
}

const multiAz: SourceDatabase = {
  ...aurora,
  kind: 'multi-az-cluster',
  engine: 'postgres',
  writerParameterGroup: undefined,
}

const instance: SourceDatabase = {
  ...aurora,
  kind: 'instance',
  engine: 'postgres',
  cluster: undefined,
  writerParameterGroup: undefined,
  instance: {
    DBSubnetGroup: { DBSubnetGroupName: 'prod-db' },
    VpcSecurityGroups: SG,
    DBParameterGroups: [{ DBParameterGroupName: 'prod-pg' }],
  },
}

function run(
  sourceDb: SourceDatabase,
  settings: Partial<Settings> = {},
  sameAccount = true,
): PlacementSource {
  return { sourceDb, sameAccount, settings: testSettings(settings) }
}

describe('resolvePlacement', () => {
  it('in one account takes everything not set from the source, by kind', () => {
    expect(resolvePlacement(run(aurora))).toEqual({
      subnetGroup: 'prod-db',
      securityGroupIds: ['sg-0970d00000000000a'],
      clusterParameterGroup: 'prod-cpg',
      parameterGroup: 'prod-ipg',
      inherited: [
        'db-subnet-group',
        'vpc-security-group-ids',
        'db-cluster-parameter-group',
        'db-parameter-group',
      ],
    })
    expect(resolvePlacement(run(multiAz))).toMatchObject({
      clusterParameterGroup: 'prod-cpg',
      parameterGroup: undefined,
    })
    expect(resolvePlacement(run(instance))).toMatchObject({
      subnetGroup: 'prod-db',
      clusterParameterGroup: undefined,
      parameterGroup: 'prod-pg',
      inherited: ['db-subnet-group', 'vpc-security-group-ids', 'db-parameter-group'],
    })
  })

  it('lets inputs win and inherits only the rest', () => {
    const placement = resolvePlacement(
      run(aurora, { dbSubnetGroup: 'other-db', dbParameterGroup: 'mine' }),
    )
    expect(placement).toMatchObject({ subnetGroup: 'other-db', parameterGroup: 'mine' })
    expect(placement.inherited).toEqual(['vpc-security-group-ids', 'db-cluster-parameter-group'])
  })

  it('takes nothing from the source across accounts, nor in a destination-phase job', () => {
    const none = {
      subnetGroup: undefined,
      securityGroupIds: undefined,
      clusterParameterGroup: undefined,
      parameterGroup: undefined,
      inherited: [],
    }
    expect(resolvePlacement(run(aurora, {}, false))).toEqual(none)
    expect(resolvePlacement(run(aurora, { phase: 'destination' }))).toEqual(none)
  })

  it('describes the placement and names what came from the source', () => {
    const source = run(instance, { vpcSecurityGroupIds: ['sg-05a9e00000000000a'] })
    expect(describePlacement(source, resolvePlacement(source))).toBe(
      "Placement: DB subnet group prod-db (the source's), VPC security groups sg-05a9e00000000000a, DB parameter group prod-pg (the source's); source and destination are one account and db-subnet-group, db-parameter-group are not set, so the copy takes the source's",
    )
    const across = run(multiAz, { dbSubnetGroup: 'staging-db' }, false)
    expect(describePlacement(across, resolvePlacement(across))).toBe(
      "Placement: DB subnet group staging-db, VPC security groups: AWS's default, DB cluster parameter group: AWS's default",
    )
  })
})
