import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateDBClusterCommand,
  DeleteDBClusterCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds'
import type { Simulator } from '../src/index.ts'
import { clientConfig, created, sendSigned, source, start } from './helpers.ts'

let sim: Simulator
let rds: RDSClient
beforeAll(async () => {
  sim = await start()
  rds = new RDSClient(clientConfig(sim))
})
afterAll(async () => {
  rds.destroy()
  await sim.close()
})

describe('AWS Query protocol with the real RDS client', () => {
  it('decodes nothing into an empty input and serialises nested lists, structures, timestamps and booleans', async () => {
    const out = await rds.send(new DescribeDBClustersCommand({}))
    expect(out.$metadata.httpStatusCode).toBe(200)
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(out.DBClusters).toEqual([
      {
        DBClusterIdentifier: 'app',
        Status: 'available',
        Port: 5432,
        StorageEncrypted: true,
        DeletionProtection: false,
        ClusterCreateTime: created,
        DBClusterMembers: [
          { DBInstanceIdentifier: 'app-1', IsClusterWriter: true },
          { DBInstanceIdentifier: 'app-2', IsClusterWriter: false },
        ],
        VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1', Status: 'active' }],
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
        TagList: [{ Key: 'owner', Value: `${source} <&> "x"` }],
      },
    ])
    expect(sim.requests.at(-1)).toMatchObject({
      service: 'rds',
      operation: 'DescribeDBClusters',
      input: {},
      account: source,
    })
  })

  it('decodes member-named lists (VpcSecurityGroupId, Tag), integers and booleans from the SDK', async () => {
    const out = await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'new',
        Engine: 'aurora-postgresql',
        VpcSecurityGroupIds: ['sg-a', 'sg-b'],
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: 'x=y&z' },
        ],
        DeletionProtection: false,
        Port: 5433,
      }),
    )
    expect(sim.requests.at(-1)?.input).toEqual({
      DBClusterIdentifier: 'new',
      Engine: 'aurora-postgresql',
      VpcSecurityGroupIds: ['sg-a', 'sg-b'],
      Tags: [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: 'x=y&z' },
      ],
      DeletionProtection: false,
      Port: 5433,
    })
    expect(out.DBCluster?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([
      'sg-a',
      'sg-b',
    ])
    expect(out.DBCluster?.TagList).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: 'x=y&z' },
    ])
    expect(out.DBCluster?.DeletionProtection).toBe(false)
    expect(out.DBCluster?.Port).toBe(5433)
  })

  it('decodes an empty list, which the SDK sends as `Name=`', async () => {
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'e',
        Engine: 'aurora-mysql',
        VpcSecurityGroupIds: [],
      }),
    )
    expect(sim.requests.at(-1)?.input).toEqual({
      DBClusterIdentifier: 'e',
      Engine: 'aurora-mysql',
      VpcSecurityGroupIds: [],
    })
  })

  it('maps the wire code DBSnapshotNotFound to the SDK class DBSnapshotNotFoundFault with status 404', async () => {
    const error = await rds
      .send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'gone' }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'DBSnapshotNotFoundFault',
      message: 'DBSnapshot gone not found.',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    })
    expect(sim.requests.at(-1)).toMatchObject({
      operation: 'DeleteDBSnapshot',
      errorCode: 'DBSnapshotNotFound',
    })
  })

  it('gives a handler error named by its shape the model wire code and status', async () => {
    const error = await rds
      .send(new DeleteDBClusterCommand({ DBClusterIdentifier: 'x', SkipFinalSnapshot: true }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'DBClusterNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    })
  })

  it('answers MissingParameter for a missing required member (the SDK does not check)', async () => {
    const error = await rds
      .send(new CreateDBClusterCommand({ Engine: 'aurora-mysql' } as never))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter DBClusterIdentifier',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('answers InvalidParameterValue naming an unknown parameter and a non-integer value', async () => {
    const base =
      'Action=CreateDBCluster&Version=2014-10-31&DBClusterIdentifier=c&Engine=aurora-mysql'
    const unknown = await sendSigned(sim, 'rds', `${base}&NoSuchThing=1`)
    expect(unknown.status).toBe(400)
    expect(unknown.text).toContain('<Code>InvalidParameterValue</Code>')
    expect(unknown.text).toContain('<Message>Unrecognized parameter: NoSuchThing</Message>')
    const nested = await sendSigned(sim, 'rds', `${base}&Tags.Tag.1.Key=a&Tags.Tag.1.Colour=b`)
    expect(nested.text).toContain('<Message>Unrecognized parameter: Tags.Tag.1.Colour</Message>')
    const port = await sendSigned(sim, 'rds', `${base}&Port=abc`)
    expect(port.text).toContain(
      "<Message>Invalid value 'abc' for parameter Port: must be an integer</Message>",
    )
    const flag = await sendSigned(sim, 'rds', `${base}&DeletionProtection=yes`)
    expect(flag.text).toContain(
      "<Message>Invalid value 'yes' for parameter DeletionProtection: must be a boolean</Message>",
    )
    expect(flag.text).toContain('<Type>Sender</Type>')
  })

  it('answers InvalidParameterValue for a bad enum value, naming the allowed set', async () => {
    const error = await rds
      .send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: 'c',
          Engine: 'aurora-mysql',
          DatabaseInsightsMode: 'extreme' as never,
        }),
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'InvalidParameterValue',
      message: "Invalid value 'extreme' for DatabaseInsightsMode. Valid values: standard, advanced",
    })
  })

  it('answers InvalidAction for an operation the RDS model does not have', async () => {
    // A signed raw request: the SDK cannot send an unknown action.
    const body = 'Action=RebootDBInstance&Version=2014-10-31&DBInstanceIdentifier=a'
    const response = await sendSigned(sim, 'rds', body)
    expect(response.status).toBe(400)
    expect(response.text).toContain('<Code>InvalidAction</Code>')
    expect(response.text).toContain(
      'The action RebootDBInstance is not valid for this web service.',
    )
  })
})
