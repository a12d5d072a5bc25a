import { describe, expect, it } from '@jest/globals'
import {
  AcceptResourceShareInvitationCommand,
  CreateResourceShareCommand,
  GetResourceShareAssociationsCommand,
  GetResourceShareInvitationsCommand,
  GetResourceSharesCommand,
} from '@aws-sdk/client-ram'
import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  RestoreDBClusterToPointInTimeCommand,
  type DBCluster,
} from '@aws-sdk/client-rds'
import { runPlan } from '../src/engine/engine.js'
import { Ledger } from '../src/engine/ledger.js'
import type { CreatedResource } from '../src/engine/types.js'
import { ActionError } from '../src/errors.js'
import { clonePlan, cloneInput, createInstancesAfter } from '../src/methods/clone/plan.js'
import { tagsFor } from '../src/methods/common/context.js'
import { Purpose } from '../src/tags.js'
import {
  awsError,
  runtime,
  SOURCE_ARN,
  STAGING_ACCOUNT,
  STAGING_KEY,
  world,
  type World,
} from './clone-context.js'

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:222222222222:secret:rds!cluster-abc'
const SHARE_ARN = 'arn:aws:ram:us-east-1:111111111111:resource-share/abc'

function copyCluster(overrides: Partial<DBCluster> = {}): DBCluster {
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
    MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' },
    DBClusterMembers: [{ DBInstanceIdentifier: 'pr-123-1', IsClusterWriter: true }],
    ...overrides,
  }
}

/**
 * The destination answers like a healthy RDS: nothing exists before its create call, and every
 * create succeeds and is available at once.
 */
function healthyDestination(w: World, cluster: DBCluster = copyCluster()): Set<string> {
  const created = new Set<string>()
  const exists = (id: string | undefined, notFound: string) => {
    if (!id || !created.has(id)) throw awsError(notFound)
  }
  w.destination.rds.on(RestoreDBClusterToPointInTimeCommand).callsFake(() => {
    created.add('pr-123')
    return { DBCluster: { DBClusterIdentifier: 'pr-123' } }
  })
  w.destination.rds
    .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'pr-123' })
    .callsFake(() => {
      exists('pr-123', 'DBClusterNotFoundFault')
      return { DBClusters: [cluster] }
    })
  w.destination.rds
    .on(CreateDBInstanceCommand)
    .callsFake((input: { DBInstanceIdentifier?: string }) => {
      created.add(input.DBInstanceIdentifier ?? '')
      return {}
    })
  w.destination.rds
    .on(DescribeDBInstancesCommand)
    .callsFake((input: { DBInstanceIdentifier?: string }) => {
      exists(input.DBInstanceIdentifier, 'DBInstanceNotFound')
      return {
        DBInstances: [
          { DBInstanceIdentifier: input.DBInstanceIdentifier, DBInstanceStatus: 'available' },
        ],
      }
    })
  w.destination.rds.on(ModifyDBClusterCommand).resolves({})
  return created
}

function sharedAcrossAccounts(w: World): void {
  w.source.ram
    .on(GetResourceShareAssociationsCommand, { associationType: 'RESOURCE' })
    .resolves({ resourceShareAssociations: [] })
  w.source.ram
    .on(CreateResourceShareCommand)
    .resolves({ resourceShare: { resourceShareArn: SHARE_ARN } })
  w.source.ram
    .on(GetResourceSharesCommand)
    .resolves({ resourceShares: [{ resourceShareArn: SHARE_ARN, status: 'ACTIVE' }] })
  w.source.ram.on(GetResourceShareAssociationsCommand, { associationType: 'PRINCIPAL' }).resolves({
    resourceShareAssociations: [
      {
        resourceShareArn: SHARE_ARN,
        associatedEntity: STAGING_ACCOUNT,
        status: 'ASSOCIATING',
        external: true,
      },
    ],
  })
  w.destination.ram.on(GetResourceShareInvitationsCommand).resolves({
    resourceShareInvitations: [{ resourceShareInvitationArn: 'arn:inv', status: 'PENDING' }],
  })
  w.destination.ram.on(AcceptResourceShareInvitationCommand).resolves({})
  w.destination.ram
    .on(GetResourceSharesCommand)
    .resolves({ resourceShares: [{ resourceShareArn: SHARE_ARN, status: 'ACTIVE' }] })
}

async function run(w: World) {
  const lines: string[] = []
  const saved: (readonly CreatedResource[])[] = []
  const ledger = new Ledger((resources) => saved.push(resources))
  const output = {
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(`warning: ${m}`),
    debug: () => undefined,
    startGroup: (m: string) => lines.push(`group: ${m}`),
    endGroup: () => undefined,
  }
  const result = await runPlan(clonePlan(), w.ctx, {
    output,
    ledger,
    deadline: Date.now() + 60_000,
  })
  return { result, lines, ledger }
}

describe('clone plan, one account', () => {
  it('clones, adds the instances, turns on the managed password and fills the outputs', async () => {
    const w = world({ sameAccount: true })
    healthyDestination(w)
    const { result, ledger } = await run(w)
    expect(result.error).toBeUndefined()
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['share-source', 'skipped'],
      ['accept-share', 'skipped'],
      ['clone-cluster', 'succeeded'],
      ['create-instances', 'succeeded'],
      ['set-password', 'succeeded'],
      ['describe-copy', 'succeeded'],
    ])
    expect(w.source.ram.calls()).toHaveLength(0)
    expect(
      w.destination.rds.commandCalls(RestoreDBClusterToPointInTimeCommand)[0]?.args[0].input,
    ).toEqual({
      DBClusterIdentifier: 'pr-123',
      SourceDBClusterIdentifier: SOURCE_ARN,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      DeletionProtection: false,
      Tags: tagsFor(w.ctx, Purpose.copy),
    })
    expect(w.destination.rds.commandCalls(CreateDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'pr-123-1',
      DBClusterIdentifier: 'pr-123',
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-postgresql',
      PubliclyAccessible: false,
      Tags: tagsFor(w.ctx, Purpose.copy),
    })
    expect(w.destination.rds.commandCalls(ModifyDBClusterCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: 'pr-123',
      ApplyImmediately: true,
      ManageMasterUserPassword: true,
    })
    expect(w.ctx.values.copy.get()).toMatchObject({
      identifier: 'pr-123',
      endpoint: 'pr-123.cluster-abc.us-east-1.rds.amazonaws.com',
      readerEndpoint: 'pr-123.cluster-ro-abc.us-east-1.rds.amazonaws.com',
      port: 5432,
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      masterUsername: 'postgres',
      masterUserSecretArn: SECRET_ARN,
      method: 'clone',
      created: true,
    })
    expect(ledger.list()).toEqual([
      { kind: 'db-cluster', side: 'destination', id: 'pr-123', disposal: 'copy' },
      { kind: 'db-instance', side: 'destination', id: 'pr-123-1', disposal: 'copy' },
    ])
  })

  it('creates instance-count instances in parallel, named from the target', async () => {
    const w = world({
      sameAccount: true,
      settings: { instanceCount: 3, instanceClass: 'db.r7g.large' },
    })
    const created = healthyDestination(w)
    let inFlight = 0
    let maxInFlight = 0
    w.destination.rds
      .on(CreateDBInstanceCommand)
      .callsFake(async (input: { DBInstanceIdentifier: string }) => {
        created.add(input.DBInstanceIdentifier)
        inFlight += 1
        maxInFlight = Math.max(maxInFlight, inFlight)
        await new Promise((resolve) => setTimeout(resolve, 20))
        inFlight -= 1
        return {}
      })
    const { result, lines } = await run(w)
    expect(result.error).toBeUndefined()
    const creates = w.destination.rds
      .commandCalls(CreateDBInstanceCommand)
      .map((c) => c.args[0].input)
    expect(creates.map((i) => [i.DBInstanceIdentifier, i.DBInstanceClass])).toEqual([
      ['pr-123-1', 'db.r7g.large'],
      ['pr-123-2', 'db.r7g.large'],
      ['pr-123-3', 'db.r7g.large'],
    ])
    expect(maxInFlight).toBe(3)
    expect(lines).toContain(
      '[create-instances] Creating 3 × db.r7g.large in parallel: pr-123-1, pr-123-2, pr-123-3',
    )
    expect(result.steps.find((s) => s.name === 'create-instances')?.notes).toEqual([
      '3 × db.r7g.large',
    ])
  })

  it('sends RestoreType=full-copy for method: full-copy', () => {
    const w = world({ sameAccount: true, method: 'full-copy' })
    expect(cloneInput(w.ctx).RestoreType).toBe('full-copy')
  })

  it('puts every placement input on the restore, and no Performance Insights or monitoring', () => {
    const w = world({
      settings: {
        dbSubnetGroup: 'staging-db',
        vpcSecurityGroupIds: ['sg-05a9e00000000000a', 'sg-05a9e00000000000b'],
        dbClusterParameterGroup: 'staging-aurora-pg16',
        deletionProtection: true,
        serverless: { minCapacity: 0.5, maxCapacity: 4 },
      },
    })
    const input = cloneInput(w.ctx)
    expect(input).toEqual({
      DBClusterIdentifier: 'pr-123',
      SourceDBClusterIdentifier: SOURCE_ARN,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      DBSubnetGroupName: 'staging-db',
      VpcSecurityGroupIds: ['sg-05a9e00000000000a', 'sg-05a9e00000000000b'],
      DBClusterParameterGroupName: 'staging-aurora-pg16',
      KmsKeyId: STAGING_KEY,
      DeletionProtection: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
      Tags: tagsFor(w.ctx, Purpose.copy),
    })
  })
})

describe('clone plan, Serverless v2', () => {
  it('sets the scaling on the cluster before adding db.serverless instances when the restore did not', async () => {
    const w = world({ sameAccount: true, settings: { instanceClass: 'db.serverless' } })
    healthyDestination(w)
    w.destination.rds
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'pr-123' })
      .rejectsOnce(awsError('DBClusterNotFoundFault'))
      .resolvesOnce({ DBClusters: [copyCluster()] })
      .resolvesOnce({ DBClusters: [copyCluster()] })
      .resolves({
        DBClusters: [
          copyCluster({ ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 } }),
        ],
      })
    const { result } = await run(w)
    expect(result.error).toBeUndefined()
    const order = w.destination.rds
      .calls()
      .map((c) => c.args[0].constructor.name)
      .filter((n) => n === 'ModifyDBClusterCommand' || n === 'CreateDBInstanceCommand')
    expect(order).toEqual([
      'ModifyDBClusterCommand',
      'CreateDBInstanceCommand',
      'ModifyDBClusterCommand',
    ])
    expect(w.destination.rds.commandCalls(ModifyDBClusterCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: 'pr-123',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      ApplyImmediately: true,
    })
    expect(
      w.destination.rds.commandCalls(CreateDBInstanceCommand)[0]?.args[0].input.DBInstanceClass,
    ).toBe('db.serverless')
  })

  it('does not modify the cluster when the restore already set the scaling', async () => {
    const w = world({
      sameAccount: true,
      settings: { instanceClass: 'db.serverless', serverless: { minCapacity: 1, maxCapacity: 8 } },
    })
    healthyDestination(
      w,
      copyCluster({ ServerlessV2ScalingConfiguration: { MinCapacity: 1, MaxCapacity: 8 } }),
    )
    const { result } = await run(w)
    expect(result.error).toBeUndefined()
    expect(cloneInput(w.ctx).ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 1,
      MaxCapacity: 8,
    })
    const modifies = w.destination.rds
      .commandCalls(ModifyDBClusterCommand)
      .map((c) => c.args[0].input)
    expect(modifies).toEqual([
      { DBClusterIdentifier: 'pr-123', ApplyImmediately: true, ManageMasterUserPassword: true },
    ])
  })
})

describe('clone plan, across accounts', () => {
  it('shares, accepts the invitation, then clones from the source ARN with the destination key', async () => {
    const w = world()
    sharedAcrossAccounts(w)
    healthyDestination(w)
    const { result, ledger } = await run(w)
    expect(result.error).toBeUndefined()
    expect(result.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ])
    expect(w.destination.ram.commandCalls(AcceptResourceShareInvitationCommand)).toHaveLength(1)
    const restore = w.destination.rds.commandCalls(RestoreDBClusterToPointInTimeCommand)[0]?.args[0]
      .input
    expect(restore?.SourceDBClusterIdentifier).toBe(SOURCE_ARN)
    expect(restore?.KmsKeyId).toBe(STAGING_KEY)
    expect(ledger.list()[0]).toEqual({
      kind: 'resource-share',
      side: 'source',
      id: SHARE_ARN,
      disposal: 'kept',
      sharedWith: STAGING_ACCOUNT,
    })
  })

  it('explains DBClusterNotFoundFault as not found or not shared', async () => {
    const w = world()
    sharedAcrossAccounts(w)
    healthyDestination(w)
    w.destination.rds
      .on(RestoreDBClusterToPointInTimeCommand)
      .rejects(awsError('DBClusterNotFoundFault', 'DBCluster not found', 404))
    const { result, ledger } = await run(w)
    const error = result.error as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.summary).toBe(
      `Could not clone prod-aurora into pr-123: the destination account 222222222222 cannot see the source cluster ${SOURCE_ARN} (AWS answers the same for a cluster that does not exist and one not shared with the caller)`,
    )
    expect(error.hint).toContain(`Check that resource share ${SHARE_ARN} holds the cluster`)
    expect(error.step).toBe('clone-cluster')
    expect(ledger.list().map((r) => r.kind)).toEqual(['resource-share'])
  })
})

describe('clone plan, AWS errors', () => {
  it.each([
    [
      'KMSKeyNotAccessibleFault',
      'a KMS key is not usable by the destination account',
      'must allow account 222222222222',
    ],
    [
      'DBClusterQuotaExceededFault',
      'Could not clone prod-aurora into pr-123',
      'reached its DB cluster quota',
    ],
    [
      'InsufficientDBClusterCapacityFault',
      'Could not clone prod-aurora into pr-123',
      'AWS has no capacity for this instance class',
    ],
  ])('maps %s on the restore', async (code, summary, hint) => {
    const w = world()
    sharedAcrossAccounts(w)
    healthyDestination(w)
    w.destination.rds.on(RestoreDBClusterToPointInTimeCommand).rejects(awsError(code))
    const { result } = await run(w)
    const error = result.error as ActionError
    expect(error.summary).toContain(summary)
    expect(error.code).toBe(code)
    expect(error.hint).toContain(hint)
  })

  it('maps InsufficientDBInstanceCapacity on an instance', async () => {
    const w = world({ sameAccount: true })
    healthyDestination(w)
    w.destination.rds
      .on(CreateDBInstanceCommand)
      .rejects(awsError('InsufficientDBInstanceCapacity', 'no capacity'))
    const { result } = await run(w)
    const error = result.error as ActionError
    expect(error.summary).toBe(
      'Could not create DB instance pr-123-1 (db.r6g.large) in pr-123: AWS has no capacity for db.r6g.large right now',
    )
    expect(error.step).toBe('create-instances')
    expect(error.hint).toContain('try another instance-class (for example db.serverless')
  })

  it.each(['cloning-failed', 'inaccessible-encryption-credentials'])(
    'fails at once when the clone goes into %s',
    async (status) => {
      const w = world({ sameAccount: true })
      healthyDestination(w, copyCluster({ Status: status }))
      const started = Date.now()
      const { result, ledger } = await run(w)
      const error = result.error as ActionError
      expect(error.summary).toBe(`DB cluster pr-123 went into status '${status}'`)
      expect(error.step).toBe('clone-cluster')
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(w.destination.rds.commandCalls(CreateDBInstanceCommand)).toHaveLength(0)
      expect(ledger.list()).toEqual([
        { kind: 'db-cluster', side: 'destination', id: 'pr-123', disposal: 'copy' },
      ])
    },
  )
})

describe('createInstancesAfter', () => {
  it('is the clone instance step after other steps (the Aurora snapshot relay reuses it)', async () => {
    const step = createInstancesAfter(['restore-cluster'])
    expect(step.name).toBe('create-instances')
    expect(step.after).toEqual(['restore-cluster'])
    const w = world({ sameAccount: true, settings: { instanceCount: 2 } })
    healthyDestination(w)
    await step.run(w.ctx, runtime('create-instances'))
    expect(
      w.destination.rds
        .commandCalls(CreateDBInstanceCommand)
        .map((c) => c.args[0].input.DBInstanceIdentifier),
    ).toEqual(['pr-123-1', 'pr-123-2'])
  })
})
