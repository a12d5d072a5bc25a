/** RDS through the simulator's HTTP server with the real AWS SDK clients (Query protocol). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
  CreateDBClusterSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  waitUntilDBClusterAvailable,
} from '@aws-sdk/client-rds'
import { CreateResourceShareCommand, RAMClient } from '@aws-sdk/client-ram'
import { startSimulator } from '../src/index.ts'
import type { Simulator } from '../src/index.ts'
import {
  AURORA_CLUSTER,
  DESTINATION_ACCESS_KEY_ID,
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  SOURCE_ACCESS_KEY_ID,
  auroraClusterArn,
  productionFixture,
} from '../fixtures/production.ts'

const SECRET = 'simulator/secret/not-a-real-key/EXAMPLEKEY'

describe('RDS over the wire', () => {
  let sim: Simulator
  const client = <T>(Ctor: new (c: object) => T, accessKeyId: string): T =>
    new Ctor({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { accessKeyId, secretAccessKey: SECRET },
      maxAttempts: 1,
    })

  beforeAll(async () => {
    sim = await startSimulator({ fixture: productionFixture(), scenario: { clockScale: 6000 } })
  })
  afterAll(async () => sim.close())

  it('clones a RAM-shared cluster across accounts, waits with the SDK waiter, adds an instance', async () => {
    const source = client(RDSClient, SOURCE_ACCESS_KEY_ID)
    const destination = client(RDSClient, DESTINATION_ACCESS_KEY_ID)
    const clone = () =>
      destination.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: 'stg',
          SourceDBClusterIdentifier: auroraClusterArn,
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
          KmsKeyId: DESTINATION_KEY_ARN,
        }),
      )
    await expect(clone()).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    })
    await client(RAMClient, SOURCE_ACCESS_KEY_ID).send(
      new CreateResourceShareCommand({
        name: 'p',
        resourceArns: [auroraClusterArn],
        principals: [DESTINATION_ACCOUNT],
      }),
    )
    await new Promise((r) => setTimeout(r, 50))
    const out = await clone()
    expect(out.DBCluster).toMatchObject({
      DBClusterIdentifier: 'stg',
      Status: 'creating',
      CrossAccountClone: true,
      DBClusterMembers: [],
    })
    expect(out.DBCluster?.ClusterCreateTime).toBeInstanceOf(Date)
    await waitUntilDBClusterAvailable(
      { client: destination, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.1 } as never,
      { DBClusterIdentifier: 'stg' },
    )
    const created = await destination.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'stg-1',
        DBClusterIdentifier: 'stg',
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
      }),
    )
    expect(created.DBInstance?.DBInstanceStatus).toBe('creating')
    const described = await destination.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'stg' }),
    )
    expect(described.DBClusters?.[0]?.DBClusterMembers).toEqual([
      {
        DBInstanceIdentifier: 'stg-1',
        IsClusterWriter: true,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      },
    ])
    await expect(
      source.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'stg' })),
    ).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' })
  })

  it('reports snapshot progress as a number and NotFound faults with their wire code and message', async () => {
    const source = client(RDSClient, SOURCE_ACCESS_KEY_ID)
    await source.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: AURORA_CLUSTER,
        DBClusterSnapshotIdentifier: 'wire-snap',
      }),
    )
    const snap = await source.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'wire-snap' }),
    )
    expect(typeof snap.DBClusterSnapshots?.[0]?.PercentProgress).toBe('number')
    await expect(
      source.send(
        new ModifyDBClusterSnapshotAttributeCommand({
          DBClusterSnapshotIdentifier: 'nope',
          AttributeName: 'restore',
          ValuesToAdd: [DESTINATION_ACCOUNT],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'DBClusterSnapshotNotFoundFault',
      message: 'DBClusterSnapshot not found: nope',
    })
  })
})
