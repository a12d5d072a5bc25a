import { describe, expect, it } from '@jest/globals'
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds'
import { detectSource } from '../src/methods/common/detect.js'
import { ActionError } from '../src/errors.js'
import { awsError, world } from './clone-context.js'

const NAMED = 'arn:aws:rds:us-east-1:111111111111:db:prod-pg'

describe('detectSource', () => {
  it('refuses a database of another account than the source ARN names', async () => {
    const w = world()
    w.source.rds
      .on(DescribeDBClustersCommand)
      .rejects(awsError('DBClusterNotFoundFault', 'DBCluster not found'))
    w.source.rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'prod-pg',
          DBInstanceArn: 'arn:aws:rds:us-east-1:999999999999:db:prod-pg',
          Engine: 'postgres',
        },
      ],
    })
    const error = await detectSource(w.ctx.source, { identifier: 'prod-pg', arn: NAMED }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).summary).toBe(
      `Source ${NAMED} names account 111111111111, but AWS answered with arn:aws:rds:us-east-1:999999999999:db:prod-pg of account 999999999999`,
    )
  })

  it('takes the database of the account the ARN names', async () => {
    const w = world()
    w.source.rds
      .on(DescribeDBClustersCommand)
      .rejects(awsError('DBClusterNotFoundFault', 'DBCluster not found'))
    w.source.rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'prod-pg', DBInstanceArn: NAMED, Engine: 'postgres' }],
    })
    const db = await detectSource(w.ctx.source, { identifier: 'prod-pg', arn: NAMED })
    expect(db).toMatchObject({ kind: 'instance', arn: NAMED })
  })
})
