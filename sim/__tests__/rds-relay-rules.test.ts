/**
 * The refusals the snapshot relays are built around (aws-reference B, C, D), over the wire with
 * the real SDK: what AWS rejects must be rejected here too, or the relay's tests prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds'
import { startSimulator } from '../src/index.ts'
import type { Simulator } from '../src/index.ts'
import {
  DESTINATION_ACCESS_KEY_ID,
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  INSTANCE,
  MULTI_AZ_CLUSTER,
  SOURCE_ACCESS_KEY_ID,
  SOURCE_ACCOUNT,
  productionFixture,
} from '../fixtures/production.ts'

const SECRET = 'simulator/secret/not-a-real-key/EXAMPLEKEY'
const sharedArn = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:snapshot:pg-shared`

describe('RDS refusals the relays depend on (over the wire)', () => {
  let sim: Simulator
  let source: RDSClient
  let destination: RDSClient
  const client = (accessKeyId: string): RDSClient =>
    new RDSClient({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { accessKeyId, secretAccessKey: SECRET },
      maxAttempts: 1,
    })
  /** Let simulated time pass: snapshots become available within minutes (clock x 60000). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

  beforeAll(async () => {
    sim = await startSimulator({ fixture: productionFixture(), scenario: { clockScale: 60000 } })
    source = client(SOURCE_ACCESS_KEY_ID)
    destination = client(DESTINATION_ACCESS_KEY_ID)
    await source.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: MULTI_AZ_CLUSTER,
        DBClusterSnapshotIdentifier: 'maz-snap',
      }),
    )
    await source.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: INSTANCE,
        DBSnapshotIdentifier: 'pg-shared',
      }),
    )
    await settle()
    await source.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'pg-shared',
        AttributeName: 'restore',
        ValuesToAdd: [DESTINATION_ACCOUNT],
      }),
    )
  })
  afterAll(async () => {
    source.destroy()
    destination.destroy()
    await sim.close()
  })

  it('refuses sharing and copying a Multi-AZ DB cluster snapshot', async () => {
    await expect(
      source.send(
        new ModifyDBClusterSnapshotAttributeCommand({
          DBClusterSnapshotIdentifier: 'maz-snap',
          AttributeName: 'restore',
          ValuesToAdd: [DESTINATION_ACCOUNT],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } })
    await expect(
      source.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: 'maz-snap',
          TargetDBClusterSnapshotIdentifier: 'maz-copy',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(
        /^Copying a snapshot of a Multi-AZ DB cluster isn't supported/,
      ),
    })
  })

  it('refuses restoring a shared encrypted DB snapshot without copying it first', async () => {
    await expect(
      destination.send(
        new RestoreDBInstanceFromDBSnapshotCommand({
          DBInstanceIdentifier: 'direct',
          DBSnapshotIdentifier: sharedArn,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringMatching(
        /both shared and encrypted\. Copy the snapshot to your account first/,
      ),
    })
  })

  it('refuses copying a shared encrypted DB snapshot without KmsKeyId, and by name', async () => {
    await expect(
      destination.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: sharedArn,
          TargetDBSnapshotIdentifier: 'c',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: `KmsKeyId is required to copy the encrypted snapshot ${sharedArn} shared from account ${SOURCE_ACCOUNT}.`,
    })
    await expect(
      destination.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: 'pg-shared',
          TargetDBSnapshotIdentifier: 'c',
          KmsKeyId: DESTINATION_KEY_ARN,
        }),
      ),
    ).rejects.toMatchObject({ name: 'DBSnapshotNotFoundFault', $metadata: { httpStatusCode: 404 } })
  })

  it('restores a Multi-AZ DB cluster from a DB snapshot only by ARN, and only with Engine', async () => {
    await expect(
      source.send(
        new RestoreDBClusterFromSnapshotCommand({
          DBClusterIdentifier: 'by-name',
          SnapshotIdentifier: 'pg-shared',
          Engine: 'postgres',
          DBClusterInstanceClass: 'db.m6gd.large',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'DBSnapshotNotFoundFault',
      message:
        'DBSnapshot not found: pg-shared. You can use only the ARN to specify a DB snapshot.',
    })
    await expect(
      source.send(
        new RestoreDBClusterFromSnapshotCommand({
          DBClusterIdentifier: 'no-engine',
          SnapshotIdentifier: sharedArn,
          DBClusterInstanceClass: 'db.m6gd.large',
        } as never),
      ),
    ).rejects.toMatchObject({
      name: 'MissingParameter',
      message: 'The request must contain the parameter Engine',
      $metadata: { httpStatusCode: 400 },
    })
  })
})
