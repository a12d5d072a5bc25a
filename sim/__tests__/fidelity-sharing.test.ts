/**
 * Issue 10 points 4, 5 and 6, over the wire: what a destination sees of a cluster shared with it,
 * that RAM shares only an available cluster, and the clone limits across accounts (Aurora User
 * Guide, "Cross-account cloning with AWS RAM and Amazon Aurora").
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  CreateResourceShareCommand,
  GetResourceSharesCommand,
  RAMClient,
} from '@aws-sdk/client-ram'
import {
  DescribeDBClustersCommand,
  RDSClient,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds'
import type { Fixture } from '../src/core/types.ts'
import type { ResourceFixture } from '../src/services/fixture.ts'
import type { RdsFixture } from '../src/services/rds/fixture.ts'
import {
  AURORA_CLUSTER,
  DESTINATION_ACCOUNT,
  ORGANIZATION_ID,
  SOURCE_ACCOUNT,
  SOURCE_KEY_ALIAS,
  auroraClusterArn,
  productionFixture,
} from '../fixtures/production.ts'
import { failure, wireWorld, type WireWorld } from './wire-world.ts'

const SECRET = 'simulator/secret/not-a-real-key/EXAMPLEKEY'
/** Sixteen more accounts of the organization, for the cross-account clone limit. */
const EXTRA = Array.from({ length: 16 }, (_, n) => `4444000000${String(n + 10)}`)
const keyOf = (account: string) => `AKIAEXTRA${account}`

/** The production world plus a stopped cluster and sixteen accounts the source key allows. */
function sharingFixture(): Fixture<ResourceFixture> {
  const base = productionFixture()
  const rds = base.resources.rds as RdsFixture
  const [sourceAccount, ...others] = rds.accounts
  return {
    ...base,
    accounts: [
      ...base.accounts,
      ...EXTRA.map((id) => ({
        id,
        name: `extra-${id}`,
        organizationId: ORGANIZATION_ID,
        roles: [],
        staticCredentials: [{ accessKeyId: keyOf(id), secretAccessKey: SECRET }],
      })),
    ],
    resources: {
      kmsKeys: (base.resources.kmsKeys ?? []).map((k) =>
        k.alias === SOURCE_KEY_ALIAS && k.account === SOURCE_ACCOUNT
          ? { ...k, allowAccounts: [...(k.allowAccounts ?? []), ...EXTRA] }
          : k,
      ),
      rds: {
        accounts: [
          {
            ...sourceAccount!,
            clusters: [
              ...(sourceAccount!.clusters ?? []),
              {
                identifier: 'prod-stopped',
                engine: 'aurora-postgresql',
                engineVersion: '16.4',
                masterUsername: 'postgres',
                status: 'stopped',
                instances: [{ identifier: 'prod-stopped-writer', instanceClass: 'db.r6g.large' }],
              },
            ],
          },
          ...others,
        ],
      },
    },
  }
}

describe('shared clusters and cross-account clones (over the wire)', () => {
  let w: WireWorld
  afterEach(async () => w.close())

  const clients = (account: string) => {
    const config = {
      region: w.sim.region,
      endpoint: w.sim.url,
      credentials: { accessKeyId: keyOf(account), secretAccessKey: SECRET },
      maxAttempts: 1,
    }
    return { rds: new RDSClient(config), ram: new RAMClient(config) }
  }

  async function share(principals: string[], arn = auroraClusterArn): Promise<void> {
    await w.source.ram.send(
      new CreateResourceShareCommand({ name: 'clone', resourceArns: [arn], principals }),
    )
    await w.settle()
    const shares = await w.source.ram.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))
    expect(shares.resourceShares?.[0]?.status).toBe('ACTIVE')
  }

  const cloneFrom = (rds: RDSClient, id: string, sourceArn = auroraClusterArn) =>
    rds.send(
      new RestoreDBClusterToPointInTimeCommand({
        DBClusterIdentifier: id,
        SourceDBClusterIdentifier: sourceArn,
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
      }),
    )

  it('shows a shared cluster with its ARN, encryption, engine and version only', async () => {
    w = await wireWorld()
    await share([DESTINATION_ACCOUNT])
    const listed = await w.destination.rds.send(
      new DescribeDBClustersCommand({ IncludeShared: true }),
    )
    const expected = {
      DBClusterArn: auroraClusterArn,
      StorageEncrypted: true,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
    }
    expect(listed.DBClusters).toEqual([expected])
    const byArn = await w.destination.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: auroraClusterArn }),
    )
    expect(byArn.DBClusters).toEqual([expected])
    const owner = await w.source.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: AURORA_CLUSTER }),
    )
    expect(owner.DBClusters?.[0]).toMatchObject({
      Endpoint: expect.any(String),
      MasterUsername: 'postgres',
    })
  })

  it('RAM refuses to share a cluster that is not available', async () => {
    w = await wireWorld({ fixture: sharingFixture() })
    const stopped = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:prod-stopped`
    expect(
      await failure(
        w.source.ram.send(
          new CreateResourceShareCommand({
            name: 'stopped',
            resourceArns: [stopped],
            principals: [DESTINATION_ACCOUNT],
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('is not in an ACTIVE state (status: stopped)'),
    })
  })

  it('refuses a cross-account clone past 15 copy-on-write clones instead of making a full copy', async () => {
    w = await wireWorld()
    for (let n = 1; n <= 15; n++) await cloneFrom(w.source.rds, `cow-${n}`, AURORA_CLUSTER)
    // In one account the 16th still becomes a full copy, as the Aurora User Guide describes.
    const sixteenth = await cloneFrom(w.source.rds, 'cow-16', AURORA_CLUSTER)
    expect(sixteenth.DBCluster?.DBClusterIdentifier).toBe('cow-16')
    await share([DESTINATION_ACCOUNT])
    expect(await failure(cloneFrom(w.destination.rds, 'pr-1'))).toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('a cross-account clone must be copy-on-write'),
    })
    expect(w.sim.inventory(DESTINATION_ACCOUNT)['db-clusters']).toEqual([])
  })

  it('allows 15 cross-account clones of one cluster, one per account, and refuses the 16th', async () => {
    w = await wireWorld({ fixture: sharingFixture() })
    await share(EXTRA)
    for (const account of EXTRA.slice(0, 15)) {
      const { rds, ram } = clients(account)
      const out = await cloneFrom(rds, 'pr-clone')
      expect(out.DBCluster?.CrossAccountClone).toBe(true)
      rds.destroy()
      ram.destroy()
    }
    const { rds, ram } = clients(EXTRA[15]!)
    expect(await failure(cloneFrom(rds, 'pr-clone'))).toMatchObject({
      name: 'InvalidParameterCombination',
      message: expect.stringContaining('already have 15 cross-account clones, the maximum (15)'),
    })
    rds.destroy()
    ram.destroy()
  })
})
