import { afterEach, describe, expect, it } from '@jest/globals'
import type { PlanResult } from '../src/engine/engine.js'
import type { Settings } from '../src/settings.js'
import {
  PROD,
  PROD_KEY,
  relayContext,
  relaySettings,
  runRelay,
  startRelayWorld,
  STAGING,
  STAGING_KEY,
  STAGING_PLACEMENT,
  type RelayWorldOptions,
} from './relay-world.js'
import { opsOf, type Simulator } from './sim-accounts.js'
import { relayInventory } from './e2e/harness.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function world(options: RelayWorldOptions = {}): Promise<Simulator> {
  sim = await startRelayWorld(options)
  return sim
}

/** Run a relay and return its error; asserts nothing was created in either account. */
async function refusal(
  world: Simulator,
  settings: Partial<Settings>,
  source = 'prod-multiaz',
): Promise<{ message: string; result: PlanResult; lines: string[] }> {
  const run = await relayContext(world, { settings: relaySettings(settings), source })
  const result = await runRelay(run)
  expect(result.steps.find((s) => s.name === 'preflight')?.status).toBe('failed')
  expect(opsOf(run).filter((op) => /^(Create|Restore|Copy|Modify|Delete)/.test(op))).toEqual([])
  expect(run.ledger.list()).toEqual([])
  return { message: result.error?.message ?? '', result, lines: run.output.lines }
}

/** `count` manual DB snapshots of prod-pg, seeded in an account that holds the instance. */
const manualSnapshots = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ identifier: `old-${i}`, instance: 'prod-pg' }))

describe('relay pre-flight', () => {
  it('refuses a source under the AWS managed key aws/rds and says how to re-encrypt', async () => {
    const { message } = await refusal(await world({ awsManagedKey: true }), STAGING_PLACEMENT)
    expect(message).toMatch(
      new RegExp(
        `Source prod-multiaz is encrypted with the AWS-managed key aws/rds \\(arn:aws:kms:us-east-1:${PROD}:key/[0-9a-f-]+\\), which AWS does not share with other accounts, so neither a clone nor a snapshot of it can reach account ${STAGING}`,
      ),
    )
    expect(message).toContain(`source account ${PROD}`)
    expect(message).toContain('Re-encrypt with a customer-managed key')
    expect(message).toContain('--kms-key-id <key ARN>')
  })

  it('refuses an encrypted cross-account relay without kms-key-id', async () => {
    const { message } = await refusal(await world(), {
      dbSubnetGroup: 'staging-db',
      vpcSecurityGroupIds: ['sg-1'],
    })
    expect(message).toContain(
      `kms-key-id is required: source prod-multiaz is encrypted (key ${PROD_KEY}) and the destination account ${STAGING} differs from the source account`,
    )
    expect(message).toContain(
      'Set kms-key-id to a customer-managed key ARN (or alias ARN) of the destination account',
    )
  })

  it('refuses when the destination account cannot use the source key', async () => {
    const { message } = await refusal(await world({ sourceKeyFor: 'none' }), STAGING_PLACEMENT)
    expect(message).toContain(
      `The destination account ${STAGING} may not describe the KMS key ${PROD_KEY}`,
    )
    expect(message).toContain('AccessDeniedException')
    expect(message).toContain(`principal arn:aws:iam::${STAGING}:root`)
  })

  it('refuses when the key policy lets the destination describe the source key but not use it', async () => {
    const { message, lines } = await refusal(
      await world({ sourceKeyFor: 'describe' }),
      STAGING_PLACEMENT,
    )
    expect(message).toContain(
      `The policy of the source key ${PROD_KEY} does not let the destination account ${STAGING} use it: kms:CreateGrant, kms:Decrypt, kms:GenerateDataKey*, kms:ReEncrypt* not allowed`,
    )
    expect(lines.join('\n')).toContain(
      `The destination account ${STAGING} may describe the source key ${PROD_KEY} (kms:DescribeKey); that alone does not show it may use the key`,
    )
  })

  it('refuses a Multi-AZ storage type without Iops, which the restore would need', async () => {
    const noIops = await world({
      production: (account) => ({
        ...account,
        clusters: (account.clusters ?? []).map((c) =>
          c.identifier === 'prod-multiaz' ? { ...c, storageType: 'gp3', iops: undefined } : c,
        ),
      }),
    })
    const { message } = await refusal(noIops, { ...STAGING_PLACEMENT, storageType: 'gp3' })
    expect(message).toContain(
      "storage-type gp3 for the Multi-AZ DB cluster copy needs iops, and this job does not know the source's",
    )
  })

  it('refuses a kms-key-id the destination does not have', async () => {
    const { message } = await refusal(await world(), {
      ...STAGING_PLACEMENT,
      kmsKeyId: 'alias/nope',
    })
    expect(message).toContain(
      `kms-key-id alias/nope is not a KMS key the destination account ${STAGING} can use`,
    )
    expect(message).toContain('NotFoundException')
  })

  it('asks for the placement across accounts instead of taking AWS defaults', async () => {
    const { message } = await refusal(await world(), { kmsKeyId: STAGING_KEY }, 'prod-pg')
    expect(message).toContain(
      `The copy's placement in the destination account ${STAGING} is not set: db-subnet-group, vpc-security-group-ids, db-parameter-group`,
    )
    expect(message).toContain('default security group and default parameter group')
  })

  it('refuses a subnet group, cluster parameter group or parameter group missing in the destination', async () => {
    const placement = await world()
    const subnet = await refusal(placement, { ...STAGING_PLACEMENT, dbSubnetGroup: 'nope-db' })
    expect(subnet.message).toContain(
      `db-subnet-group nope-db does not exist in the destination account ${STAGING}`,
    )
    expect(subnet.message).toContain('DBSubnetGroupNotFoundFault')
    const cluster = await refusal(placement, {
      ...STAGING_PLACEMENT,
      dbClusterParameterGroup: 'nope-pg',
    })
    expect(cluster.message).toContain(
      'db-cluster-parameter-group nope-pg does not exist in the destination account',
    )
    const instance = await refusal(
      placement,
      { ...STAGING_PLACEMENT, dbParameterGroup: 'nope-pg16' },
      'prod-pg',
    )
    expect(instance.message).toContain(
      'db-parameter-group nope-pg16 does not exist in the destination account',
    )
  })

  it('refuses when the manual snapshot quota would be exceeded, and warns near it', async () => {
    const full = await world({
      production: (account) => ({ ...account, snapshots: manualSnapshots(100) }),
    })
    const { message } = await refusal(full, STAGING_PLACEMENT)
    expect(message).toContain(
      `The source account ${PROD} has 100 manual DB snapshots; this relay needs 1 more and the quota is 100 (ManualSnapshots)`,
    )
    expect(message).toContain('SnapshotQuotaExceeded')
    await full.close()

    // Staging holds no instance to snapshot: its 95 snapshots are copies of production's.
    const near = await world({
      staging: (account) => ({
        ...account,
        instances: [
          {
            identifier: 'prod-pg',
            engine: 'postgres',
            engineVersion: '16.4',
            instanceClass: 'db.t4g.medium',
            masterUsername: 'postgres',
            allocatedStorage: 20,
            storageType: 'gp3',
          },
        ],
        snapshots: manualSnapshots(95),
      }),
    })
    const run = await relayContext(near, { settings: relaySettings(STAGING_PLACEMENT) })
    const result = await runRelay(run)
    expect(result.error).toBeUndefined()
    expect(run.output.lines).toContain(
      `WARNING [preflight] the destination account ${STAGING} will have 96 of 100 manual DB snapshots: delete old ones before the quota stops a run`,
    )
  })

  it('passes a same-account relay under aws/rds: nothing is shared', async () => {
    const awsKey = await world({ awsManagedKey: true })
    const run = await relayContext(awsKey, {
      settings: relaySettings({ target: 'copy' }),
      sameAccount: true,
    })
    const result = await runRelay(run)
    expect(result.error).toBeUndefined()
    expect(opsOf(run)).not.toContain('DescribeKey')
    expect(relayInventory(awsKey, PROD).clusters).toContain('copy')
  })
})
