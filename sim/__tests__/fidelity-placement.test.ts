/**
 * Placement over the wire: a parameter group serves only its own family, and an Aurora member
 * instance takes its cluster's security groups (see the Placement table in the RDS README).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  CreateDBInstanceCommand,
  RestoreDBClusterToPointInTimeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  CreateDBSnapshotCommand,
} from '@aws-sdk/client-rds'
import { AURORA_CLUSTER, INSTANCE, SOURCE_SECURITY_GROUP } from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

describe('RDS placement rules (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  it('refuses a DB cluster parameter group of another family, accepts the engine’s own', async () => {
    w = await wireWorld()
    const restore = (group: string, id: string) =>
      w.source.rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: id,
          SourceDBClusterIdentifier: AURORA_CLUSTER,
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
          DBClusterParameterGroupName: group,
        }),
      )
    expect(await failure(restore('default.aurora-mysql8.0', 'wrong-family'))).toEqual({
      name: 'InvalidParameterCombination',
      message:
        "The parameter group default.aurora-mysql8.0 with DBParameterGroupFamily aurora-mysql8.0 can't be used for this instance. Use a parameter group with DBParameterGroupFamily aurora-postgresql16.",
    })
    await expect(restore('default.aurora-postgresql16', 'right-family')).resolves.toBeDefined()
  })

  it('refuses a DB parameter group of another family on an instance restore', async () => {
    w = await wireWorld()
    await w.source.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: INSTANCE, DBSnapshotIdentifier: 'snap' }),
    )
    await w.settle()
    const error = await failure(
      w.source.rds.send(
        new RestoreDBInstanceFromDBSnapshotCommand({
          DBInstanceIdentifier: 'copy',
          DBSnapshotIdentifier: 'snap',
          DBParameterGroupName: 'default.aurora-postgresql16',
        }),
      ),
    )
    expect(error.name).toBe('InvalidParameterCombination')
    expect(error.message).toContain('Use a parameter group with DBParameterGroupFamily postgres16')
  })

  it('refuses security groups on an Aurora member instance: they belong to the cluster', async () => {
    w = await wireWorld()
    const error = await failure(
      w.source.rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: 'extra',
          DBClusterIdentifier: AURORA_CLUSTER,
          DBInstanceClass: 'db.r6g.large',
          Engine: 'aurora-postgresql',
          VpcSecurityGroupIds: [SOURCE_SECURITY_GROUP],
        }),
      ),
    )
    expect(error).toEqual({
      name: 'InvalidParameterCombination',
      message: `The requested DB instance will be a member of the DB cluster ${AURORA_CLUSTER}. Set VPC security groups on the DB cluster.`,
    })
  })
})
