import { describe, expect, it, jest } from '@jest/globals'
import { DescribeKeyCommand } from '@aws-sdk/client-kms'
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type DBCluster,
} from '@aws-sdk/client-rds'

const warnings: string[] = []
jest.unstable_mockModule('@actions/core', () => ({
  info: jest.fn(),
  warning: (m: string) => warnings.push(m),
  debug: jest.fn(),
  setSecret: jest.fn(),
}))

const { resolveMethod, chooseMethod } = await import('../src/methods/choose-method.js')
const { findExistingTarget, lookupTarget } = await import('../src/methods/common/existing.js')
const { ActionError } = await import('../src/errors.js')
const { awsError, settings, sourceCluster, sourceDb, SOURCE_ARN, SOURCE_KEY, STAGING_KEY, world } =
  await import('./clone-context.js')

/** The target as the run looks it up once, from the mocked destination. */
const target = (w: ReturnType<typeof world>) => lookupTarget(w.ctx.destination, 'pr-123')

/** reuse may wait for a copy being built, within the run's bounds; these copies need no wait. */
const WAIT = { signal: new AbortController().signal, deadline: Date.now() + 60_000 }

function notFound(w: ReturnType<typeof world>): void {
  w.destination.rds
    .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'pr-123' })
    .rejects(awsError('DBClusterNotFoundFault', 'not found', 404))
  w.destination.rds
    .on(DescribeDBInstancesCommand)
    .rejects(awsError('DBInstanceNotFound', 'not found', 404))
}

function managedCopy(overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: 'pr-123',
    DBClusterArn: 'arn:aws:rds:us-east-1:222222222222:cluster:pr-123',
    Status: 'available',
    Endpoint: 'pr-123.cluster-abc.us-east-1.rds.amazonaws.com',
    ReaderEndpoint: 'pr-123.cluster-ro-abc.us-east-1.rds.amazonaws.com',
    Port: 5432,
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    MasterUsername: 'postgres',
    MasterUserSecret: { SecretArn: 'arn:secret', SecretStatus: 'active' },
    DBClusterMembers: [{ DBInstanceIdentifier: 'pr-123-1', IsClusterWriter: true }],
    TagList: [
      { Key: 'rds-refresh:managed', Value: 'true' },
      { Key: 'rds-refresh:source', Value: SOURCE_ARN },
    ],
    ...overrides,
  }
}

describe('resolveMethod for Aurora', () => {
  it('auto picks the clone once the pre-flight passes', async () => {
    const w = world()
    notFound(w)
    w.source.kms
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'k', Arn: SOURCE_KEY, KeyManager: 'CUSTOMER' } })
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [sourceCluster()] })
    w.destination.rds
      .on(DescribeDBClustersCommand, {
        Filters: [{ Name: 'clone-group-id', Values: ['clone-group-1'] }],
      })
      .resolves({ DBClusters: [] })
    w.destination.kms.on(DescribeKeyCommand).callsFake((request: { KeyId: string }) => ({
      KeyMetadata: { KeyId: request.KeyId, Arn: request.KeyId, KeyManager: 'CUSTOMER' },
    }))
    const accounts = { source: w.ctx.source, destination: w.ctx.destination, sameAccount: false }
    const log = { info: jest.fn(), warning: jest.fn() }
    const placed = {
      ...w.ctx.settings,
      dbSubnetGroup: 'staging-db',
      vpcSecurityGroupIds: ['sg-05a9e00000000000a'],
    }
    await expect(
      resolveMethod('auto', w.ctx.sourceDb, {
        settings: placed,
        accounts,
        targetExists: false,
        log,
      }),
    ).resolves.toBe('clone')
  })

  it('refuses an explicit clone the pre-flight rules out, before anything is created', async () => {
    const w = world()
    notFound(w)
    const accounts = { source: w.ctx.source, destination: w.ctx.destination, sameAccount: false }
    const noKey = settings({ kmsKeyId: undefined })
    const error = await resolveMethod('clone', w.ctx.sourceDb, {
      settings: noKey,
      accounts,
      targetExists: false,
    }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as InstanceType<typeof ActionError>).summary).toContain('kms-key-id is required')
    expect(
      w.destination.rds.calls().every((c) => c.args[0].constructor.name.startsWith('Describe')),
    ).toBe(true)
  })

  it('leaves the decision to if-exists when the target already exists', async () => {
    const w = world({ settings: { ifExists: 'reuse', kmsKeyId: STAGING_KEY } })
    const accounts = { source: w.ctx.source, destination: w.ctx.destination, sameAccount: false }
    const stopped = sourceDb(sourceCluster({ Status: 'stopped' }))
    await expect(
      resolveMethod('auto', stopped, { settings: w.ctx.settings, accounts, targetExists: true }),
    ).resolves.toBe('clone')
    expect(w.source.kms.calls()).toHaveLength(0)
  })

  it('keeps relay and non-Aurora sources on chooseMethod', () => {
    expect(chooseMethod('relay', sourceDb())).toBe('relay')
    expect(chooseMethod('full-copy', sourceDb())).toBe('full-copy')
  })
})

describe('if-exists for a clone target', () => {
  it('fail: refuses an existing target', async () => {
    const w = world()
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [managedCopy()] })
    const error = (await findExistingTarget(w.ctx, WAIT, await target(w)).catch(
      (e: unknown) => e,
    )) as InstanceType<typeof ActionError>
    expect(error.summary).toBe('Target pr-123 already exists in the destination account')
  })

  it('reuse: reports a managed copy as it is, created=false, with every output', async () => {
    warnings.length = 0
    const w = world({ settings: { ifExists: 'reuse' } })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [managedCopy()] })
    w.destination.rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'pr-123-1', DBInstanceStatus: 'available' }],
    })
    const result = await findExistingTarget(w.ctx, WAIT, await target(w))
    expect(result).toEqual({
      kind: 'cluster',
      identifier: 'pr-123',
      arn: 'arn:aws:rds:us-east-1:222222222222:cluster:pr-123',
      endpoint: 'pr-123.cluster-abc.us-east-1.rds.amazonaws.com',
      readerEndpoint: 'pr-123.cluster-ro-abc.us-east-1.rds.amazonaws.com',
      port: 5432,
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      masterUsername: 'postgres',
      masterUserSecretArn: 'arn:secret',
      instanceIdentifiers: ['pr-123-1'],
      method: 'clone',
      created: false,
      expiresAt: undefined,
    })
    expect(warnings).toEqual([])
    // The look-up, then the copy's instance: reuse reports only a complete copy.
    expect(w.destination.rds.calls()).toHaveLength(2)
  })

  it('reuse: warns when the managed copy came from another source', async () => {
    warnings.length = 0
    const w = world({ settings: { ifExists: 'reuse' } })
    const other = 'arn:aws:rds:us-east-1:111111111111:cluster:other'
    w.destination.rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        managedCopy({
          TagList: [
            { Key: 'rds-refresh:managed', Value: 'true' },
            { Key: 'rds-refresh:source', Value: other },
          ],
        }),
      ],
    })
    w.destination.rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'pr-123-1', DBInstanceStatus: 'available' }],
    })
    await findExistingTarget(w.ctx, WAIT, await target(w))
    expect(warnings).toEqual([
      `pr-123 was copied from ${other}, not from ${SOURCE_ARN}; it is reused as it is. Use another target for a copy of this source.`,
    ])
  })

  it.each([
    ['not available', { Status: 'modifying' }, 'modifying'],
    ['without instances', { DBClusterMembers: [] }, 'available without DB instances'],
  ])(
    'reuse: refuses a copy %s once the timeout has passed, saying why',
    async (_, overrides, state) => {
      const w = world({ settings: { ifExists: 'reuse' } })
      w.destination.rds
        .on(DescribeDBClustersCommand)
        .resolves({ DBClusters: [managedCopy(overrides)] })
      const error = (await findExistingTarget(
        w.ctx,
        { signal: new AbortController().signal, deadline: Date.now() },
        await target(w),
      ).catch((e: unknown) => e)) as InstanceType<typeof ActionError>
      expect(error.summary).toBe(
        `if-exists: reuse refused pr-123: it is ${state}, not a complete copy (available, with every DB instance available), and did not become one in time`,
      )
      expect(error.hint).toContain('reuse never adopts a copy that is still being built')
    },
  )

  it('reuse: refuses a target this action does not manage', async () => {
    const w = world({ settings: { ifExists: 'reuse' } })
    w.destination.rds
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [managedCopy({ TagList: [] })] })
    const error = (await findExistingTarget(w.ctx, WAIT, await target(w)).catch(
      (e: unknown) => e,
    )) as InstanceType<typeof ActionError>
    expect(error.summary).toBe(
      'Target pr-123 exists but was not created by rds-refresh (no rds-refresh:managed=true tag), so it is left untouched: reuse acts only on copies carrying that tag',
    )
  })
})
