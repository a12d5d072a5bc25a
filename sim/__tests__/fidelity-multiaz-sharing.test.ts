/**
 * Issue 10 point 8, over the wire: sharing a Multi-AZ DB cluster snapshot is UNCONFIRMED
 * (aws-reference B), so it is a world setting (scenario.multiAzSnapshotSharing) and each world is
 * tested: `refused` (the seed's behaviour, default), `share` (copy and direct restore of the shared
 * encrypted snapshot still refused), `share-and-restore` (direct restore with the destination's
 * own KmsKeyId allowed; copy still refused).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  RestoreDBClusterFromSnapshotCommand,
} from '@aws-sdk/client-rds'
import type { MultiAzSnapshotSharing } from '../src/core/types.ts'
import {
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  MULTI_AZ_CLUSTER,
  SOURCE_ACCOUNT,
} from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

const SNAPSHOT_ARN = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster-snapshot:maz-snap`

describe('Multi-AZ DB cluster snapshot sharing worlds (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  async function start(sharing?: MultiAzSnapshotSharing): Promise<void> {
    w = await wireWorld({ scenario: sharing ? { multiAzSnapshotSharing: sharing } : {} })
    await w.source.rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: MULTI_AZ_CLUSTER,
        DBClusterSnapshotIdentifier: 'maz-snap',
      }),
    )
    await w.settle()
  }

  const share = () =>
    w.source.rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: 'maz-snap',
        AttributeName: 'restore',
        ValuesToAdd: [DESTINATION_ACCOUNT],
      }),
    )
  const copy = () =>
    w.destination.rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: SNAPSHOT_ARN,
        TargetDBClusterSnapshotIdentifier: 'maz-copy',
        KmsKeyId: DESTINATION_KEY_ARN,
      }),
    )
  const restore = (kmsKeyId?: string) =>
    w.destination.rds.send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: 'staging-mz',
        SnapshotIdentifier: SNAPSHOT_ARN,
        Engine: 'postgres',
        EngineVersion: '16.4',
        DBClusterInstanceClass: 'db.m6gd.large',
        KmsKeyId: kmsKeyId,
      }),
    )

  it('refused (default): the share is refused', async () => {
    await start()
    expect(await failure(share())).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining(
        "Sharing a snapshot of a Multi-AZ DB cluster isn't supported",
      ),
    })
  })

  it('share: the destination sees the snapshot; copy and direct restore are refused', async () => {
    await start('share')
    await share()
    const seen = await w.destination.rds.send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterSnapshotIdentifier: SNAPSHOT_ARN,
        IncludeShared: true,
      }),
    )
    expect(seen.DBClusterSnapshots?.[0]).toMatchObject({
      SnapshotType: 'shared',
      Engine: 'postgres',
    })
    expect(await failure(copy())).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining(
        "Copying a snapshot of a Multi-AZ DB cluster isn't supported",
      ),
    })
    expect(await failure(restore(DESTINATION_KEY_ARN))).toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('both shared and encrypted'),
    })
  })

  it('share-and-restore: the destination restores with its own key; copy is still refused', async () => {
    await start('share-and-restore')
    await share()
    expect(await failure(copy())).toMatchObject({ name: 'InvalidParameterValue' })
    expect(await failure(restore())).toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('KmsKeyId is required'),
    })
    const out = await restore(DESTINATION_KEY_ARN)
    expect(out.DBCluster).toMatchObject({
      DBClusterIdentifier: 'staging-mz',
      Status: 'creating',
      StorageEncrypted: true,
      KmsKeyId: DESTINATION_KEY_ARN,
      Engine: 'postgres',
    })
  })
})

describe('Multi-AZ DB cluster restore storage (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  it('requires Iops whenever StorageType is given, gp3 included (RestoreDBClusterFromSnapshot model text)', async () => {
    w = await wireWorld()
    await w.source.rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: MULTI_AZ_CLUSTER,
        DBClusterSnapshotIdentifier: 'maz-own',
      }),
    )
    await w.settle()
    const restore = (id: string, storage: { StorageType?: string; Iops?: number }) =>
      w.source.rds.send(
        new RestoreDBClusterFromSnapshotCommand({
          DBClusterIdentifier: id,
          SnapshotIdentifier: 'maz-own',
          Engine: 'postgres',
          EngineVersion: '16.4',
          DBClusterInstanceClass: 'db.m6gd.large',
          ...storage,
        }),
      )
    expect(await failure(restore('no-iops', { StorageType: 'gp3' }))).toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('Iops is required when StorageType (gp3)'),
    })
    const out = await restore('with-iops', { StorageType: 'gp3', Iops: 3000 })
    expect(out.DBCluster).toMatchObject({ StorageType: 'gp3', Iops: 3000 })
    const inherited = await restore('inherited', {})
    expect(inherited.DBCluster).toMatchObject({ StorageType: 'io1', Iops: 1000 })
  })
})
