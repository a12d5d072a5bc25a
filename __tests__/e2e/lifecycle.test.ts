/**
 * Issue 9's pull-request lifecycle through the runner interface: `delete` (twice, and refusing a
 * target the action does not manage), `sweep` over a mixed world, `allowed-account-ids`, and
 * `plan` making only read calls.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  calls,
  inventoryOf,
  ROLE_ARNS,
  runAction,
  startWorld,
  type Simulator,
} from './harness.js'
import { stagingInputs } from './clone-world.js'
import { aurora, managed, postgres, SWEPT, sweepWorld, worldWith } from './lifecycle-world.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** Operations that change something: everything but Describe*, List*, Get* and STS. */
function changes(simulator: Simulator, from = 0): string[] {
  return simulator.requests
    .slice(from)
    .filter((r) => r.service !== 'oidc' && r.service !== 'sts')
    .map((r) => r.operation)
    .filter((op) => !/^(Describe|List|Get)/.test(op))
}

function requestsOf(simulator: Simulator, operation: string, from = 0) {
  return simulator.requests.slice(from).filter((r) => r.operation === operation)
}

const stagingOnly = { 'destination-role-arn': ROLE_ARNS.staging }

describe('operation: delete', () => {
  it('tears a managed Aurora copy down (readers, writer, cluster) and succeeds again when it is gone', async () => {
    sim = await worldWith({
      [ACCOUNTS.staging]: {
        clusters: [
          aurora('pr-7-app', managed({ 'rds-refresh:purpose': 'copy' }), {
            deletionProtection: true,
          }),
        ],
      },
    })
    const run = await runAction({
      sim,
      inputs: { ...stagingOnly, operation: 'delete', target: 'pr-7-app' },
    })
    expect(run.exitCode).toBe(0)
    const inventory = inventoryOf(sim, ACCOUNTS.staging)
    expect(inventory['db-clusters']?.join()).not.toContain('pr-7-app')
    expect(inventory['db-instances']?.join() ?? '').not.toContain('pr-7-app')

    // Protection off on the managed copy, readers before the writer, no final snapshot.
    expect(requestsOf(sim, 'ModifyDBCluster')[0]?.input).toMatchObject({
      DBClusterIdentifier: 'pr-7-app',
      DeletionProtection: false,
      ApplyImmediately: true,
    })
    expect(requestsOf(sim, 'DeleteDBInstance').map((r) => r.input.DBInstanceIdentifier)).toEqual([
      'pr-7-app-2',
      'pr-7-app-1',
    ])
    expect(requestsOf(sim, 'DeleteDBCluster')[0]?.input).toMatchObject({
      DBClusterIdentifier: 'pr-7-app',
      SkipFinalSnapshot: true,
    })
    expect(run.summary).toContain('rds-refresh: delete pr-7-app (destination 222222222222)')
    expect(run.summary).toMatch(
      /<td>wait-deleted<\/td><td>destination 222222222222<\/td>.*✅ succeeded/,
    )
    // Nothing touched the source account.
    expect(calls(sim, ACCOUNTS.production).filter((c) => c.startsWith('rds:'))).toEqual([])

    const before = sim.requests.length
    const again = await runAction({
      sim,
      inputs: { ...stagingOnly, operation: 'delete', target: 'pr-7-app' },
    })
    expect(again.exitCode).toBe(0)
    expect(again.maskedLog).toContain('nothing to delete')
    expect(changes(sim, before)).toEqual([])
    expect(again.summary).toContain('was already gone')
  })

  it('deletes a managed DB instance (protection off first) after the final snapshot it was asked for', async () => {
    sim = await worldWith({
      [ACCOUNTS.staging]: {
        instances: [
          postgres('pr-8-db', managed({ 'rds-refresh:purpose': 'copy' }), {
            deletionProtection: true,
          }),
        ],
      },
    })
    const run = await runAction({
      sim,
      inputs: {
        ...stagingOnly,
        operation: 'delete',
        target: 'pr-8-db',
        'final-snapshot-identifier': 'pr-8-final',
      },
    })
    expect(run.exitCode).toBe(0)
    expect(requestsOf(sim, 'ModifyDBInstance')[0]?.input).toMatchObject({
      DBInstanceIdentifier: 'pr-8-db',
      DeletionProtection: false,
    })
    expect(requestsOf(sim, 'DeleteDBInstance')[0]?.input).toMatchObject({
      DBInstanceIdentifier: 'pr-8-db',
      SkipFinalSnapshot: false,
      FinalDBSnapshotIdentifier: 'pr-8-final',
    })
    const inventory = inventoryOf(sim, ACCOUNTS.staging)
    expect(inventory['db-instances']?.join() ?? '').not.toContain('pr-8-db')
    expect(inventory['db-snapshots']?.join()).toContain('pr-8-final')
  })

  it('deletes a managed Multi-AZ DB cluster in one call (its members go with it)', async () => {
    sim = await worldWith({
      [ACCOUNTS.staging]: {
        clusters: [
          {
            identifier: 'pr-12-maz',
            engine: 'postgres',
            engineVersion: '16.4',
            masterUsername: 'postgres',
            dbClusterInstanceClass: 'db.m6gd.large',
            storageType: 'io1',
            allocatedStorage: 100,
            iops: 1000,
            tags: managed({ 'rds-refresh:purpose': 'copy' }),
          },
        ],
      },
    })
    const run = await runAction({
      sim,
      inputs: { ...stagingOnly, operation: 'delete', target: 'pr-12-maz' },
    })
    expect(run.exitCode).toBe(0)
    expect(requestsOf(sim, 'DeleteDBInstance')).toEqual([])
    expect(requestsOf(sim, 'DeleteDBCluster')).toHaveLength(1)
    const inventory = Object.values(inventoryOf(sim, ACCOUNTS.staging)).flat().join(' ')
    expect(inventory).not.toContain('pr-12-maz')
  })

  it('refuses a target without the managed tag and changes nothing', async () => {
    sim = await worldWith({
      [ACCOUNTS.staging]: { clusters: [aurora('team-db', [{ Key: 'team', Value: 'data' }])] },
    })
    const run = await runAction({
      sim,
      inputs: { ...stagingOnly, operation: 'delete', target: 'team-db' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain(
      'Target team-db exists but was not created by rds-refresh (no rds-refresh:managed=true tag), so it is left untouched: delete acts only on copies carrying that tag',
    )
    expect(changes(sim)).toEqual([])
    expect(inventoryOf(sim, ACCOUNTS.staging)['db-clusters']).toContain('team-db (available)')
  })

  it('withdraws the RAM share of a cross-account clone once no other copy uses it', async () => {
    sim = await startWorld()
    const made = await runAction({ sim, inputs: stagingInputs('pr-9-app') })
    expect(made.exitCode).toBe(0)
    const shares = () =>
      (sim?.inventory(ACCOUNTS.production)['resource-shares'] ?? []) as { status?: string }[]
    expect(shares().map((s) => s.status)).toContain('ACTIVE')

    const run = await runAction({
      sim,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        'destination-role-arn': ROLE_ARNS.staging,
        operation: 'delete',
        target: 'pr-9-app',
      },
    })
    expect(run.exitCode).toBe(0)
    expect(requestsOf(sim, 'DeleteResourceShare')).toHaveLength(1)
    expect(run.maskedLog).toMatch(/Withdrawing RAM share .* no other copy in 222222222222 uses it/)
    expect(run.summary).toContain('share withdrawn')
    // The source cluster itself was only read.
    const sourceWrites = sim.requests.filter(
      (r) =>
        r.input.DBClusterIdentifier === 'prod-aurora' && !/^(Describe|List|Get)/.test(r.operation),
    )
    expect(sourceWrites).toEqual([])
  })
  it('refuses a target that is the source itself before any AWS call', async () => {
    sim = await startWorld()
    const run = await runAction({
      sim,
      inputs: {
        'source-role-arn': ROLE_ARNS.source,
        operation: 'delete',
        source: 'prod-aurora',
        target: 'prod-aurora',
      },
    })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain('it is the source itself')
    expect(calls(sim)).toEqual([])
  })
})

describe('allowed-account-ids', () => {
  it('stops before any change when the destination account is not listed', async () => {
    sim = await worldWith({
      [ACCOUNTS.staging]: {
        clusters: [aurora('pr-7-app', managed({ 'rds-refresh:purpose': 'copy' }))],
      },
    })
    const run = await runAction({
      sim,
      inputs: {
        ...stagingOnly,
        operation: 'delete',
        target: 'pr-7-app',
        'allowed-account-ids': '111111111111, 333333333333',
      },
    })
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain('The destination account 222222222222')
    expect(run.maskedLog).toContain('is not in allowed-account-ids (111111111111, 333333333333)')
    expect(calls(sim).filter((c) => !c.startsWith('sts:') && !c.startsWith('oidc:'))).toEqual([])
  })
})

const bothRoles = { 'source-role-arn': ROLE_ARNS.source, 'destination-role-arn': ROLE_ARNS.staging }

describe('operation: sweep', () => {
  it('deletes only expired managed copies and aged leftovers, and reports what it kept and why', async () => {
    sim = await sweepWorld()
    const partnerBefore = inventoryOf(sim, ACCOUNTS.partner)
    const run = await runAction({ sim, inputs: { ...bothRoles, operation: 'sweep' } })
    expect(run.exitCode).toBe(0)

    const deleted = sim.requests
      .filter((r) => /^Delete/.test(r.operation))
      .map((r) =>
        String(
          r.input.DBClusterIdentifier ??
            r.input.DBInstanceIdentifier ??
            r.input.DBSnapshotIdentifier ??
            r.input.DBClusterSnapshotIdentifier,
        ),
      )
    // Aurora members go before their cluster; everything else deleted is on the list.
    expect([...new Set(deleted)].sort()).toEqual([...SWEPT, 'pr-expired-1', 'pr-expired-2'].sort())
    const staging = Object.values(inventoryOf(sim, ACCOUNTS.staging)).flat().join(' ')
    for (const kept of [
      'pr-protected',
      'pr-fresh',
      'pr-undated',
      'team-db',
      'team-pg',
      'team-pg-manual',
      'rds-refresh-950-1-cluster-snapshot',
    ]) {
      expect(staging).toContain(kept)
    }
    for (const gone of SWEPT.slice(0, 4)) expect(staging).not.toContain(`${gone} `)
    const production = Object.values(inventoryOf(sim, ACCOUNTS.production)).flat().join(' ')
    expect(production).not.toContain('rds-refresh-901-1-tmp')
    expect(production).not.toContain('rds-refresh-902-1-snapshot-instance')
    expect(production).not.toContain('rds-refresh-903-1-cluster-multiaz')
    expect(production).toContain('prod-aurora')
    // Another account is never looked at, let alone changed.
    expect(calls(sim, ACCOUNTS.partner)).toEqual([])
    expect(inventoryOf(sim, ACCOUNTS.partner)).toEqual(partnerBefore)

    expect(run.summary).toMatch(
      /<td>pr-expired<\/td><td>db-cluster<\/td><td>destination 222222222222<\/td><td>🗑 deleted<\/td><td>expired at /,
    )
    expect(run.summary).toMatch(/<td>pr-fresh<\/td>.*<td>kept<\/td><td>expires at /)
    expect(run.summary).toMatch(
      /<td>pr-undated<\/td>.*<td>kept<\/td><td>a copy with no rds-refresh:expires-at tag/,
    )
    expect(run.summary).toMatch(
      /<td>team-db<\/td>.*<td>kept<\/td><td>no rds-refresh:managed=true tag/,
    )
    expect(run.summary).toMatch(
      /<td>pr-protected<\/td>.*<td>kept<\/td><td>deletion protection is on/,
    )
    expect(run.summary).toMatch(/<td>rds-refresh-950-1-cluster-snapshot<\/td>.*younger than a day/)
    expect(run.summary).toMatch(
      /<td>rds-refresh-900-1-copy<\/td>.*🗑 deleted<\/td><td>leftover intermediate of run 900-1, \d+ h old \(no purpose tag/,
    )
    expect(run.summary).toMatch(
      /<td>rds-refresh-902-1-snapshot-instance<\/td>.*<td>source 111111111111<\/td><td>🗑 deleted<\/td><td>leftover hand-off snapshot/,
    )
  })

  it('with the destination role only, leaves the source account alone', async () => {
    sim = await sweepWorld()
    const run = await runAction({ sim, inputs: { ...stagingOnly, operation: 'sweep' } })
    expect(run.exitCode).toBe(0)
    expect(calls(sim, ACCOUNTS.production).filter((c) => !c.startsWith('sts:'))).toEqual([])
    const production = Object.values(inventoryOf(sim, ACCOUNTS.production)).flat().join(' ')
    expect(production).toContain('rds-refresh-901-1-tmp')
  })
})

describe('operation: plan', () => {
  const readOnly = (simulator: Simulator) => {
    const ops = simulator.requests
      .filter((r) => r.service !== 'oidc')
      .map((r) => `${r.service}:${r.operation}`)
    expect(ops.length).toBeGreaterThan(0)
    for (const op of ops)
      expect(op).toMatch(
        /^(sts:(AssumeRoleWithWebIdentity|GetCallerIdentity)|\w+:(Describe|List|Get)\w*)$/,
      )
  }

  it('plans a cross-account refresh with only read calls', async () => {
    sim = await startWorld()
    const before = inventoryOf(sim, ACCOUNTS.staging)
    const run = await runAction({
      sim,
      inputs: { ...stagingInputs('pr-10-app'), operation: 'plan' },
    })
    expect(run.exitCode).toBe(0)
    readOnly(sim)
    expect(inventoryOf(sim, ACCOUNTS.staging)).toEqual(before)
    expect(run.summary).toContain('rds-refresh plan: refresh prod-aurora → pr-10-app')
    expect(run.summary).toContain('Method: clone: Aurora source')
    expect(run.summary).toMatch(/<td>share-source<\/td><td>source 111111111111<\/td>/)
    expect(run.summary).toContain('creates the DB cluster pr-10-app (clone)')
    expect(run.summary).toContain('A plan: nothing was changed.')
  })

  it('plans a relay with its pre-flight results', async () => {
    sim = await startWorld()
    const run = await runAction({
      sim,
      inputs: {
        ...bothRoles,
        source: 'prod-pg',
        target: 'pr-11-db',
        'kms-key-id': 'arn:aws:kms:us-east-1:222222222222:alias/rds-staging',
        'db-subnet-group': 'staging-db',
        'vpc-security-group-ids': 'sg-05a9e00000000000a',
        'db-parameter-group': 'staging-pg16',
        operation: 'plan',
      },
    })
    expect(run.exitCode).toBe(0)
    readOnly(sim)
    expect(run.summary).toContain('Pre-flight: passed')
    expect(run.summary).toContain('creates the DB instance pr-11-db')
  })

  it('plans a delete and a sweep with only read calls', async () => {
    sim = await sweepWorld()
    const before = ['111111111111', '222222222222'].map((a) => inventoryOf(sim as Simulator, a))
    const del = await runAction({
      sim,
      inputs: {
        ...stagingOnly,
        operation: 'plan',
        'plan-operation': 'delete',
        target: 'pr-expired',
      },
    })
    expect(del.exitCode).toBe(0)
    expect(del.summary).toContain('deletes the DB instances pr-expired-2, pr-expired-1')
    const sweep = await runAction({
      sim,
      inputs: { ...bothRoles, operation: 'plan', 'plan-operation': 'sweep' },
    })
    expect(sweep.exitCode).toBe(0)
    expect(sweep.summary).toMatch(/<td>pr-expired<\/td>.*🗑 would delete/)
    readOnly(sim)
    expect(['111111111111', '222222222222'].map((a) => inventoryOf(sim as Simulator, a))).toEqual(
      before,
    )
  })
})
