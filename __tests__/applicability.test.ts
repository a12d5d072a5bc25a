/**
 * Inputs that do not apply to the resolved source and method: contradictions refused, the rest
 * named in one warning (src/methods/common/applicability.ts).
 */
import { describe, expect, it } from '@jest/globals'
import { testSettings } from '../__fixtures__/settings.js'
import { InputError } from '../src/inputs.js'
import { checkApplicability, type ApplicabilityInput } from '../src/methods/common/applicability.js'
import type { SourceDatabase, SourceKind } from '../src/methods/common/detect.js'
import type { CopyMethod } from '../src/result.js'
import type { Settings } from '../src/settings.js'

const PROD = '111111111111'
const STAGING = '222222222222'

function source(kind: SourceKind, writerInstanceClass?: string): SourceDatabase {
  const identifier = {
    'aurora-cluster': 'prod-aurora',
    'multi-az-cluster': 'prod-multiaz',
    instance: 'prod-pg',
  }[kind]
  return {
    kind,
    identifier,
    arn: `arn:aws:rds:us-east-1:${PROD}:${kind === 'instance' ? 'db' : 'cluster'}:${identifier}`,
    engine: kind === 'aurora-cluster' ? 'aurora-postgresql' : 'postgres',
    engineVersion: '16.4',
    status: 'available',
    encrypted: true,
    writerInstanceClass,
  }
}

function check(
  settings: Partial<Settings>,
  kind: SourceKind,
  options: { method?: CopyMethod; sameAccount?: boolean; writer?: string } = {},
): { warnings: string[] } {
  const warnings: string[] = []
  const input: ApplicabilityInput = {
    settings: testSettings({ target: 'staging-db', ...settings }),
    sourceDb: source(kind, options.writer ?? 'db.r6g.large'),
    method: options.method ?? (kind === 'aurora-cluster' ? 'clone' : 'relay'),
    sameAccount: options.sameAccount ?? false,
    accounts: { source: PROD, destination: STAGING },
    log: { warning: (message) => warnings.push(message) },
  }
  checkApplicability(input)
  return { warnings }
}

function refusal(...args: Parameters<typeof check>): InputError {
  try {
    check(...args)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('not refused')
}

describe('contradictions are refused', () => {
  it.each<[string, Partial<Settings>, SourceKind, string, string]>([
    [
      'Aurora storage on a DB instance',
      { storageType: 'aurora' },
      'instance',
      'storage-type',
      'Aurora storage applies only to an Aurora copy, and prod-pg is a DB instance',
    ],
    [
      'Aurora storage on a Multi-AZ cluster',
      { storageType: 'aurora-iopt1' },
      'multi-az-cluster',
      'storage-type',
      'prod-multiaz is a Multi-AZ DB cluster',
    ],
    [
      'gp3 on Aurora',
      { storageType: 'gp3' },
      'aurora-cluster',
      'storage-type',
      'whose storage is aurora or aurora-iopt1, never gp3',
    ],
    [
      'iops on Aurora',
      { iops: 3000 },
      'aurora-cluster',
      'iops',
      'Aurora storage has no provisioned IOPS',
    ],
    [
      'multi-az on Aurora',
      { multiAz: true },
      'aurora-cluster',
      'multi-az',
      'instance-count 2 or more',
    ],
    [
      'instance-count on a DB instance',
      { instanceCount: 2 },
      'instance',
      'instance-count',
      'one instance (use multi-az for a standby)',
    ],
    [
      'instance-count on a Multi-AZ cluster',
      { instanceCount: 3 },
      'multi-az-cluster',
      'instance-count',
      'the writer and two readers',
    ],
    [
      'db.serverless on a DB instance',
      { instanceClass: 'db.serverless', serverless: { minCapacity: 0.5, maxCapacity: 4 } },
      'instance',
      'instance-class',
      'db.serverless is an Aurora instance class',
    ],
    [
      'serverless capacity on a Multi-AZ cluster',
      { serverless: { minCapacity: 0.5, maxCapacity: 4 } },
      'multi-az-cluster',
      'serverless-min-capacity',
      'Serverless v2 capacity applies only to an Aurora copy',
    ],
    [
      'a 53-character Multi-AZ target',
      { target: 'm'.repeat(53) },
      'multi-az-cluster',
      'target',
      'at most 52 characters for a Multi-AZ DB cluster identifier (53 given)',
    ],
    [
      "the source account's key",
      { kmsKeyId: `arn:aws:kms:us-east-1:${PROD}:alias/rds-prod` },
      'instance',
      'kms-key-id',
      `this key belongs to the source account ${PROD}`,
    ],
  ])('%s', (_name, settings, kind, input, message) => {
    const error = refusal(settings, kind)
    expect(error.input).toBe(input)
    expect(error.message).toContain(message)
  })

  it('accepts what does apply', () => {
    expect(check({ storageType: 'io2', iops: 5000, multiAz: true }, 'instance').warnings).toEqual(
      [],
    )
    expect(check({ instanceCount: 3, storageType: undefined }, 'aurora-cluster').warnings).toEqual(
      [],
    )
    expect(check({ target: 'm'.repeat(52) }, 'multi-az-cluster').warnings).toEqual([])
    expect(
      check({ kmsKeyId: `arn:aws:kms:us-east-1:${PROD}:key/x` }, 'instance', { sameAccount: true })
        .warnings,
    ).toEqual([])
  })
})

describe('inputs without effect are named in one warning', () => {
  it('on a clone: keep-snapshots, temporary placement, Aurora storage, serverless without db.serverless', () => {
    const { warnings } = check(
      {
        keepSnapshots: true,
        tempDbSubnetGroup: 'relay',
        tempVpcSecurityGroupIds: ['sg-0123abcd'],
        storageType: 'aurora-iopt1',
        serverless: { minCapacity: 0.5, maxCapacity: 4 },
      },
      'aurora-cluster',
    )
    expect(warnings).toEqual([
      "Inputs that do not apply to method clone (Aurora DB cluster prod-aurora) are ignored: keep-snapshots (a clone makes no snapshots); temp-db-subnet-group (only the Multi-AZ DB cluster relay makes a temporary instance); temp-vpc-security-group-ids (only the Multi-AZ DB cluster relay makes a temporary instance); storage-type (an Aurora copy keeps the storage configuration AWS gives the restore); serverless-min-capacity, serverless-max-capacity (the copy's instances are db.r6g.large, not db.serverless).",
    ])
  })

  it('on relays: multi-az on a Multi-AZ cluster, cluster parameter group on an instance, parameter group on a Multi-AZ cluster, temp placement on a destination job', () => {
    expect(check({ multiAz: true, dbParameterGroup: 'pg' }, 'multi-az-cluster').warnings).toEqual([
      'Inputs that do not apply to method relay (Multi-AZ DB cluster prod-multiaz) are ignored: multi-az (a Multi-AZ DB cluster copy is always across three Availability Zones); db-parameter-group (a Multi-AZ DB cluster copy takes db-cluster-parameter-group).',
    ])
    expect(check({ dbClusterParameterGroup: 'cpg' }, 'instance').warnings).toEqual([
      'Inputs that do not apply to method relay (DB instance prod-pg) are ignored: db-cluster-parameter-group (a DB instance has no DB cluster parameter group).',
    ])
    expect(
      check({ phase: 'destination', tempDbSubnetGroup: 'relay' }, 'multi-az-cluster').warnings,
    ).toEqual([
      'Inputs that do not apply to method relay, phase destination (Multi-AZ DB cluster prod-multiaz) are ignored: temp-db-subnet-group (a destination job restores no temporary instance).',
    ])
    expect(check({ tempDbSubnetGroup: 'relay' }, 'multi-az-cluster').warnings).toEqual([])
  })

  it('on a source-phase job: what shapes the copy, and no contradiction refused there', () => {
    expect(
      check(
        { phase: 'source', dbSubnetGroup: 'staging-db', instanceCount: 2, storageType: 'aurora' },
        'instance',
      ).warnings,
    ).toEqual([
      'Inputs that do not apply to method relay, phase source (DB instance prod-pg) are ignored: db-subnet-group, instance-count, storage-type (a source-phase job makes no copy; give them to the destination job).',
    ])
  })
})
