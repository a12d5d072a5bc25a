/**
 * Issue 10 point 10, over the wire: a cluster's master password change shows in
 * PendingModifiedValues.MasterUserPassword until it is applied, as a DB instance's does
 * (ModifyDBInstance model docs: changes are asynchronous and show in PendingModifiedValues).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeDBClustersCommand, ModifyDBClusterCommand } from '@aws-sdk/client-rds'
import { AURORA_CLUSTER } from '../fixtures/production.ts'
import { wireWorld, type WireWorld } from './wire-world.ts'

describe('cluster password change pending (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  it('shows MasterUserPassword pending while resetting-master-credentials, and not after', async () => {
    w = await wireWorld({ scenario: { clockScale: 1, durations: { clusterModify: 3600 } } })
    const out = await w.source.rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: AURORA_CLUSTER,
        MasterUserPassword: 'Another-Pass_1',
        ApplyImmediately: true,
      }),
    )
    expect(out.DBCluster).toMatchObject({
      Status: 'resetting-master-credentials',
      PendingModifiedValues: { MasterUserPassword: '****' },
    })
    await w.close()
    w = await wireWorld({ scenario: { clockScale: 60000, durations: { clusterModify: 60 } } })
    await w.source.rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: AURORA_CLUSTER,
        MasterUserPassword: 'Another-Pass_1',
        ApplyImmediately: true,
      }),
    )
    await w.settle()
    const after = await w.source.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: AURORA_CLUSTER }),
    )
    expect(after.DBClusters?.[0]?.Status).toBe('available')
    expect(after.DBClusters?.[0]?.PendingModifiedValues).toBeUndefined()
  })
})
