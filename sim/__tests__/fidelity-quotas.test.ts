/**
 * Issue 10 point 7, over the wire: DescribeAccountAttributes reports the RDS quotas, and manual DB
 * snapshots and manual DB cluster snapshots count against separate quotas (ManualSnapshots,
 * ManualClusterSnapshots; AccountQuota in the RDS model).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeAccountAttributesCommand,
} from '@aws-sdk/client-rds'
import type { RdsFixture } from '../src/services/rds/fixture.ts'
import {
  AURORA_CLUSTER,
  INSTANCE,
  SOURCE_ACCOUNT,
  productionFixture,
} from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

function withQuotas(quotas: { manualSnapshots?: number; manualClusterSnapshots?: number }) {
  const base = productionFixture()
  const rds = base.resources.rds as RdsFixture
  return {
    ...base,
    resources: {
      ...base.resources,
      rds: {
        accounts: rds.accounts.map((a) => (a.account === SOURCE_ACCOUNT ? { ...a, quotas } : a)),
      },
    },
  }
}

describe('RDS account quotas (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  it('DescribeAccountAttributes lists the quotas with what is used', async () => {
    w = await wireWorld()
    await w.source.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: INSTANCE, DBSnapshotIdentifier: 'one' }),
    )
    const out = await w.source.rds.send(new DescribeAccountAttributesCommand({}))
    expect(out.AccountQuotas).toEqual([
      { AccountQuotaName: 'DBClusters', Used: 3, Max: 40 },
      { AccountQuotaName: 'DBInstances', Used: 7, Max: 40 },
      { AccountQuotaName: 'ManualSnapshots', Used: 1, Max: 100 },
      { AccountQuotaName: 'ManualClusterSnapshots', Used: 0, Max: 100 },
    ])
  })

  it('enforces the DB snapshot and DB cluster snapshot quotas separately', async () => {
    w = await wireWorld({ fixture: withQuotas({ manualSnapshots: 1, manualClusterSnapshots: 1 }) })
    await w.source.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: INSTANCE, DBSnapshotIdentifier: 'db-1' }),
    )
    await w.source.rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: AURORA_CLUSTER,
        DBClusterSnapshotIdentifier: 'cluster-1',
      }),
    )
    expect(
      await failure(
        w.source.rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: INSTANCE,
            DBSnapshotIdentifier: 'db-2',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'SnapshotQuotaExceededFault',
      message: 'Cannot create more than 1 manual snapshots',
    })
    expect(
      await failure(
        w.source.rds.send(
          new CreateDBClusterSnapshotCommand({
            DBClusterIdentifier: AURORA_CLUSTER,
            DBClusterSnapshotIdentifier: 'cluster-2',
          }),
        ),
      ),
    ).toMatchObject({ name: 'SnapshotQuotaExceededFault' })
    const out = await w.source.rds.send(new DescribeAccountAttributesCommand({}))
    expect(out.AccountQuotas?.filter((q) => q.AccountQuotaName?.startsWith('Manual'))).toEqual([
      { AccountQuotaName: 'ManualSnapshots', Used: 1, Max: 1 },
      { AccountQuotaName: 'ManualClusterSnapshots', Used: 1, Max: 1 },
    ])
  })
})
