import { describe, expect, it } from '@jest/globals'
import type { PlanResult } from '../src/engine/engine.js'
import { relayPlan } from '../src/methods/relay/plan.js'
import type { Settings } from '../src/settings.js'
import {
  FakeWorld,
  makeContext,
  PROD,
  PROD_KEY,
  productionWorld,
  run,
  STAGING,
  STAGING_KEY,
  STAGING_PLACEMENT,
  testSettings,
} from './relay-fakes.js'

/** Run a relay and return its error; asserts nothing was created in either account. */
async function refusal(
  world: FakeWorld,
  settings: Partial<Settings>,
  source = 'prod-multiaz',
): Promise<{ message: string; result: PlanResult; lines: string[] }> {
  const h = await makeContext(world, { settings: testSettings(settings), source })
  const result = await run(h, relayPlan(h.ctx))
  expect(result.steps.find((s) => s.name === 'preflight')?.status).toBe('failed')
  expect(world.ops().filter((op) => /^(Create|Restore|Copy|Modify|Delete)/.test(op))).toEqual([])
  expect(h.ledger.list()).toEqual([])
  return { message: result.error?.message ?? '', result, lines: h.output.lines }
}

describe('relay pre-flight', () => {
  it('refuses a source under the AWS managed key aws/rds and says how to re-encrypt', async () => {
    const { message } = await refusal(productionWorld({ awsManagedKey: true }), STAGING_PLACEMENT)
    expect(message).toContain(
      `Source prod-multiaz is encrypted with the AWS-managed key aws/rds (arn:aws:kms:us-east-1:${PROD}:key/aws-rds), which AWS does not share with other accounts, so neither a clone nor a snapshot of it can reach account ${STAGING}`,
    )
    expect(message).toContain(`source account ${PROD}`)
    expect(message).toContain('Re-encrypt with a customer-managed key')
    expect(message).toContain('--kms-key-id <key ARN>')
  })

  it('refuses an encrypted cross-account relay without kms-key-id', async () => {
    const { message } = await refusal(productionWorld(), {
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
    const world = productionWorld()
    world.keyRules.lockKey = true
    const { message } = await refusal(world, STAGING_PLACEMENT)
    expect(message).toContain(
      `The destination account ${STAGING} may not describe the KMS key ${PROD_KEY}`,
    )
    expect(message).toContain('AccessDeniedException')
    expect(message).toContain(`principal arn:aws:iam::${STAGING}:root`)
  })

  it('refuses when the key policy lets the destination describe the source key but not use it', async () => {
    const world = productionWorld()
    world.keyRules.describeOnly = true
    const { message, lines } = await refusal(world, STAGING_PLACEMENT)
    expect(message).toContain(
      `The policy of the source key ${PROD_KEY} does not let the destination account ${STAGING} use it: kms:CreateGrant, kms:Decrypt, kms:GenerateDataKey*, kms:ReEncrypt* not allowed`,
    )
    expect(lines.join('\n')).toContain(
      `The destination account ${STAGING} may describe the source key ${PROD_KEY} (kms:DescribeKey); that alone does not show it may use the key`,
    )
  })

  it('refuses a Multi-AZ storage type without Iops, which the restore would need', async () => {
    const world = productionWorld()
    const cluster = world.state(PROD).clusters.get('prod-multiaz')
    if (cluster) delete cluster.Iops
    const { message } = await refusal(world, { ...STAGING_PLACEMENT, storageType: 'gp3' })
    expect(message).toContain(
      "storage-type gp3 for the Multi-AZ DB cluster copy needs iops, and this job does not know the source's",
    )
  })

  it('refuses a kms-key-id the destination does not have', async () => {
    const { message } = await refusal(productionWorld(), {
      ...STAGING_PLACEMENT,
      kmsKeyId: 'alias/nope',
    })
    expect(message).toContain(
      `kms-key-id alias/nope is not a KMS key the destination account ${STAGING} can use`,
    )
    expect(message).toContain('NotFoundException')
  })

  it('asks for the placement across accounts instead of taking AWS defaults', async () => {
    const { message } = await refusal(productionWorld(), { kmsKeyId: STAGING_KEY }, 'prod-pg')
    expect(message).toContain(
      `The copy's placement in the destination account ${STAGING} is not set: db-subnet-group, vpc-security-group-ids, db-parameter-group`,
    )
    expect(message).toContain('default security group and default parameter group')
  })

  it('refuses a subnet group, cluster parameter group or parameter group missing in the destination', async () => {
    const subnet = await refusal(productionWorld(), {
      ...STAGING_PLACEMENT,
      dbSubnetGroup: 'nope-db',
    })
    expect(subnet.message).toContain(
      `db-subnet-group nope-db does not exist in the destination account ${STAGING}`,
    )
    expect(subnet.message).toContain('DBSubnetGroupNotFoundFault')
    const cluster = await refusal(productionWorld(), {
      ...STAGING_PLACEMENT,
      dbClusterParameterGroup: 'nope-pg',
    })
    expect(cluster.message).toContain(
      'db-cluster-parameter-group nope-pg does not exist in the destination account',
    )
    const instance = await refusal(
      productionWorld(),
      { ...STAGING_PLACEMENT, dbParameterGroup: 'nope-pg16' },
      'prod-pg',
    )
    expect(instance.message).toContain(
      'db-parameter-group nope-pg16 does not exist in the destination account',
    )
  })

  it('refuses when the manual snapshot quota would be exceeded, and warns near it', async () => {
    const full = productionWorld()
    for (let i = 0; i < 100; i++) {
      full
        .state(PROD)
        .snapshots.set(`old-${i}`, { DBSnapshotIdentifier: `old-${i}`, shared: new Set() })
    }
    const { message } = await refusal(full, STAGING_PLACEMENT)
    expect(message).toContain(
      `The source account ${PROD} has 100 manual DB snapshots; this relay needs 1 more and the quota is 100 (ManualSnapshots)`,
    )
    expect(message).toContain('SnapshotQuotaExceeded')

    const near = productionWorld()
    for (let i = 0; i < 95; i++) {
      near
        .state(STAGING)
        .snapshots.set(`old-${i}`, { DBSnapshotIdentifier: `old-${i}`, shared: new Set() })
    }
    const h = await makeContext(near, { settings: testSettings(STAGING_PLACEMENT) })
    const result = await run(h, relayPlan(h.ctx))
    expect(result.error).toBeUndefined()
    expect(h.output.lines).toContain(
      `WARNING [preflight] the destination account ${STAGING} will have 96 of 100 manual DB snapshots: delete old ones before the quota stops a run`,
    )
  })

  it('passes a same-account relay under aws/rds: nothing is shared', async () => {
    const world = productionWorld({ awsManagedKey: true })
    const h = await makeContext(world, {
      settings: testSettings({ target: 'copy' }),
      sameAccount: true,
    })
    const result = await run(h, relayPlan(h.ctx))
    expect(result.error).toBeUndefined()
    expect(world.ops()).not.toContain('DescribeKey')
    expect(world.inventory(PROD).clusters).toContain('copy')
  })
})
