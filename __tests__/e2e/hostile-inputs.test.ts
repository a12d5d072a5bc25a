/**
 * Hostile and inapplicable inputs end to end (issue 7, "Bad input: reject before AWS"):
 * `node dist/index.js` against the simulator, asserting from its request log that a refused run
 * called nothing at all, or only read, and created nothing in either account.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  KEYS,
  ROLE_ARNS,
  runAction,
  startWorld,
  type ActionRun,
  type Simulator,
} from './harness.ts'
import { added, inventoryOf, operations, stagingInputs } from './clone-world.ts'
import { SOURCE_KEY_ARN, STAGING_SECURITY_GROUPS } from '../../sim/fixtures/production.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function world(): Promise<Simulator> {
  sim = await startWorld()
  return sim
}

/** Reading calls: describe, list and get, and signing in. Anything else changes something. */
const READ = /^(?:\w+:(?:Describe|List|Get)\w*|sts:AssumeRoleWithWebIdentity)$/

function mutating(s: Simulator): string[] {
  return operations(s).filter((op) => !READ.test(op))
}

/** A run that must fail: its exit code, and the workflow's error line. */
function failed(run: ActionRun): string {
  expect(run.exitCode).not.toBe(0)
  return run.log
}

/** AWS's rule for a DB instance identifier (CreateDBInstance DBInstanceIdentifier). */
function validInstanceId(id: string): boolean {
  return /^[a-z][a-z0-9-]{0,62}$/.test(id) && !id.includes('--') && !id.endsWith('-')
}

const PLACEMENT = {
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
  'db-cluster-parameter-group': 'staging-aurora-pg16',
}

describe('refused before any AWS call', () => {
  it.each([
    ['a newline and a workflow command', 'staging-db\n::warning::injected'],
    ['300 characters', 's'.repeat(300)],
    ["'::'", 'staging::db'],
  ])('db-subnet-group with %s on a cross-account clone', async (_what, subnetGroup) => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-hostile'), ...PLACEMENT, 'db-subnet-group': subnetGroup },
    })
    expect(failed(run)).toContain("Input 'db-subnet-group'")
    expect(run.log).not.toMatch(/^::warning::injected/m)
    expect(operations(s)).toEqual([])
    expect(added(s, before)).toEqual({})
  })

  it('db-cluster-parameter-group with a newline', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs('pr-hostile'),
        ...PLACEMENT,
        'db-cluster-parameter-group': 'pg\n::set-output name=endpoint::evil',
      },
    })
    expect(failed(run)).toContain("Input 'db-cluster-parameter-group' contains a line break")
    expect(run.outputs.endpoint).toBeUndefined()
    expect(operations(s)).toEqual([])
  })

  it('target Prod-Aurora with source prod-aurora in one account is the source itself', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { 'source-role-arn': ROLE_ARNS.source, source: 'prod-aurora', target: 'Prod-Aurora' },
    })
    expect(failed(run)).toContain('it is the source itself')
    expect(operations(s)).toEqual([])
  })

  it('kms-key-id of the source account on a cross-account copy', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-prodkey'), ...PLACEMENT, 'kms-key-id': SOURCE_KEY_ARN },
    })
    expect(failed(run)).toContain(
      `this key belongs to the source account ${ACCOUNTS.production}, so the copy in account ${ACCOUNTS.staging} would be encrypted with the production key`,
    )
    expect(operations(s)).toEqual([])
  })

  it('a tag outside the AWS tag character set', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-tags'), ...PLACEMENT, tags: 'team=<b>data</b>' },
    })
    expect(failed(run)).toContain("AWS's tag character set")
    expect(operations(s)).toEqual([])
  })
})

describe('derived names', () => {
  it('a 62-character target whose cut lands on a hyphen gets valid instance names', async () => {
    const s = await world()
    const target = `${'a'.repeat(59)}-bc`
    const run = await runAction({
      sim: s,
      inputs: { 'source-role-arn': ROLE_ARNS.source, source: 'prod-aurora', target },
    })
    expect(run.exitCode).toBe(0)
    const instances = s.requests
      .filter((r) => r.operation === 'CreateDBInstance')
      .map((r) => String(r.input.DBInstanceIdentifier))
    expect(instances).toEqual([`${'a'.repeat(59)}-1`])
    expect(instances.every(validInstanceId)).toBe(true)
  })

  it('Upper-case target is created in lower case, and the log says so', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { 'source-role-arn': ROLE_ARNS.source, source: 'PROD-Aurora', target: 'PR-Upper' },
    })
    expect(run.exitCode).toBe(0)
    expect(run.log).toContain(
      "Input 'target' is 'PR-Upper': AWS stores it in lower case and matches it case-insensitively, so the action uses 'pr-upper'.",
    )
    const restore = s.requests.find((r) => r.operation === 'RestoreDBClusterToPointInTime')
    expect(restore?.input.DBClusterIdentifier).toBe('pr-upper')
    expect(run.outputs['cluster-identifier']).toBe('pr-upper')
  })
})

describe('placement looked up before anything is created', () => {
  it('a cross-account clone into a subnet group that does not exist creates nothing, not even the RAM share', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-nosubnet'), ...PLACEMENT, 'db-subnet-group': 'nope-db' },
    })
    expect(failed(run)).toContain(
      `db-subnet-group nope-db does not exist in the destination account ${ACCOUNTS.staging}`,
    )
    expect(mutating(s)).toEqual([])
    expect(added(s, before)).toEqual({})
  })

  it('a clone with a DB cluster parameter group that does not exist creates nothing', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs('pr-nopg'),
        ...PLACEMENT,
        'db-cluster-parameter-group': 'nope-cluster-pg',
      },
    })
    expect(failed(run)).toContain(
      `db-cluster-parameter-group nope-cluster-pg does not exist in the destination account ${ACCOUNTS.staging}`,
    )
    expect(mutating(s)).toEqual([])
    expect(added(s, before)).toEqual({})
  })

  it('a clone with a DB parameter group for its instances that does not exist creates nothing', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-noipg'), ...PLACEMENT, 'db-parameter-group': 'nope-pg' },
    })
    expect(failed(run)).toContain(
      `db-parameter-group nope-pg does not exist in the destination account ${ACCOUNTS.staging}`,
    )
    expect(mutating(s)).toEqual([])
    expect(added(s, before)).toEqual({})
  })

  it("the Multi-AZ relay's temporary subnet group is looked up in the source account first", async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        'destination-role-arn': ROLE_ARNS.staging,
        source: 'prod-multiaz',
        target: 'pr-multiaz',
        'kms-key-id': KEYS.staging,
        'db-subnet-group': 'staging-db',
        'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
        'temp-db-subnet-group': 'nope-temp',
      },
    })
    expect(failed(run)).toContain(
      `temp-db-subnet-group nope-temp does not exist in the source account ${ACCOUNTS.production}`,
    )
    expect(mutating(s)).toEqual([])
    expect(added(s, before)).toEqual({})
  })
})

describe('inputs that do not apply to the method', () => {
  it('storage-type aurora on a DB instance source is refused after reading the source, before any change', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        'destination-role-arn': ROLE_ARNS.staging,
        source: 'prod-pg',
        target: 'pr-pg',
        'kms-key-id': KEYS.staging,
        'db-subnet-group': 'staging-db',
        'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
        'db-parameter-group': 'staging-pg16',
        'storage-type': 'aurora',
      },
    })
    expect(failed(run)).toContain(
      "Input 'storage-type' is 'aurora': Aurora storage applies only to an Aurora copy, and prod-pg is a DB instance",
    )
    expect(mutating(s)).toEqual([])
    expect(added(s, before)).toEqual({})
  })

  it('keep-snapshots and temporary placement on a clone: one warning, and the clone is made', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        source: 'prod-aurora',
        target: 'pr-warned',
        'keep-snapshots': 'true',
        'temp-db-subnet-group': 'prod-db',
      },
    })
    expect(run.exitCode).toBe(0)
    const warnings = run.log.split('\n').filter((line) => line.startsWith('::warning'))
    const ignored = warnings.filter((line) => line.includes('do not apply'))
    expect(ignored).toEqual([
      '::warning title=rds-refresh%3A inputs ignored::Inputs that do not apply to method clone (Aurora DB cluster prod-aurora) are ignored: keep-snapshots (a clone makes no snapshots); temp-db-subnet-group (only the Multi-AZ DB cluster relay makes a temporary instance).',
    ])
  })
})
