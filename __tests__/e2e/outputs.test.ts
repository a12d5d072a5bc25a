/**
 * Outputs that stay true (issue 13): for each kind of copy, what the run wrote to GITHUB_OUTPUT is
 * what the simulator holds in the destination account after the run, and `snapshot-arn` names a
 * snapshot only while it exists.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { STAGING_SECURITY_GROUPS } from '../../sim/fixtures/production.ts'
import { ACCOUNTS, KEYS, ROLE_ARNS, runAction, startWorld, type ActionRun } from './harness.js'
import type { Simulator } from './harness.js'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

const crossAccount = {
  'source-role-arn': ROLE_ARNS.source,
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': KEYS.staging,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
  'poll-interval-seconds': '0.02',
}
const aurora = { source: 'prod-aurora', 'db-cluster-parameter-group': 'staging-aurora-pg16' }

type Item = Record<string, unknown>

function succeeded(run: ActionRun): ActionRun {
  if (run.exitCode !== 0) throw new Error(`action failed:\n${run.log}`)
  return run
}

function itemsOf(world: Simulator, account: string, type: string): Item[] {
  return (world.inventory(account)[type] ?? []) as Item[]
}

/** The outputs a DB cluster copy must have, read from the simulator's record of it. */
function clusterOutputs(world: Simulator, identifier: string): Record<string, string> {
  const cluster = itemsOf(world, ACCOUNTS.staging, 'db-clusters').find(
    (c) => c.DBClusterIdentifier === identifier,
  )
  if (!cluster) throw new Error(`no DB cluster ${identifier} in staging`)
  const members = (cluster.DBClusterMembers as { DBInstanceIdentifier: string }[]).map(
    (m) => m.DBInstanceIdentifier,
  )
  const arn = String(cluster.DBClusterArn)
  return {
    'cluster-identifier': identifier,
    'cluster-arn': arn,
    'db-identifier': identifier,
    'db-arn': arn,
    endpoint: String(cluster.Endpoint),
    'reader-endpoint': String(cluster.ReaderEndpoint),
    port: String(cluster.Port),
    engine: String(cluster.Engine),
    'engine-version': String(cluster.EngineVersion),
    'master-username': String(cluster.MasterUsername),
    'master-user-secret-arn': String((cluster.MasterUserSecret as Item).SecretArn),
    'db-instance-identifiers': members.sort().join(','),
  }
}

/** The outputs a DB instance copy must have, read from the simulator's record of it. */
function instanceOutputs(world: Simulator, identifier: string): Record<string, string> {
  const instance = itemsOf(world, ACCOUNTS.staging, 'db-instances').find(
    (i) => i.DBInstanceIdentifier === identifier,
  )
  if (!instance) throw new Error(`no DB instance ${identifier} in staging`)
  const endpoint = instance.Endpoint as { Address: string; Port: number }
  const arn = String(instance.DBInstanceArn)
  return {
    'cluster-identifier': identifier,
    'cluster-arn': arn,
    'db-identifier': identifier,
    'db-arn': arn,
    endpoint: endpoint.Address,
    port: String(endpoint.Port),
    engine: String(instance.Engine),
    'engine-version': String(instance.EngineVersion),
    'master-username': String(instance.MasterUsername),
    'master-user-secret-arn': String((instance.MasterUserSecret as Item).SecretArn),
    'db-instance-identifiers': identifier,
  }
}

/** Outputs about the run rather than the copy. */
const RUN_OUTPUTS = new Set([
  'method',
  'created',
  'snapshot-arn',
  'source-account-id',
  'destination-account-id',
  'expires-at',
  'duration-seconds',
  // Which Multi-AZ path ran, and why: facts of the run, not of the copy.
  'multi-az-path',
  'multi-az-path-reason',
])

/** The copy's outputs, with db-instance-identifiers in a stable order. */
function copyOutputsOf(run: ActionRun): Record<string, string> {
  const copy = Object.fromEntries(
    Object.entries(run.outputs).filter(([name]) => !RUN_OUTPUTS.has(name)),
  )
  if (copy['db-instance-identifiers'] !== undefined) {
    copy['db-instance-identifiers'] = copy['db-instance-identifiers'].split(',').sort().join(',')
  }
  return copy
}

/** Every snapshot either account holds that is not being deleted, by ARN. */
function liveSnapshots(world: Simulator): string[] {
  return [ACCOUNTS.production, ACCOUNTS.staging].flatMap((account) => [
    ...itemsOf(world, account, 'db-snapshots')
      .filter((s) => s.Status !== 'deleting')
      .map((s) => String(s.DBSnapshotArn)),
    ...itemsOf(world, account, 'db-cluster-snapshots')
      .filter((s) => s.Status !== 'deleting')
      .map((s) => String(s.DBClusterSnapshotArn)),
  ])
}

describe('outputs match what the destination account holds (e2e)', () => {
  it('Aurora clone, cross-account: cluster and db outputs name the cluster; no snapshot-arn', async () => {
    sim = await startWorld()
    const run = succeeded(
      await runAction({
        sim,
        inputs: { ...crossAccount, ...aurora, target: 'pr-7-app', 'instance-count': '2' },
      }),
    )
    expect(run.outputs.method).toBe('clone')
    expect(copyOutputsOf(run)).toEqual(clusterOutputs(sim, 'pr-7-app'))
    expect(run.outputs['db-instance-identifiers']).toBe('pr-7-app-1,pr-7-app-2')
    expect(run.outputs['snapshot-arn']).toBeUndefined()
  })

  it('Aurora relay: the shared snapshot is deleted, so snapshot-arn is not set', async () => {
    sim = await startWorld()
    const run = succeeded(
      await runAction({
        sim,
        inputs: { ...crossAccount, ...aurora, method: 'relay', target: 'staging-au' },
      }),
    )
    expect(run.outputs.method).toBe('relay')
    expect(copyOutputsOf(run)).toEqual(clusterOutputs(sim, 'staging-au'))
    expect(run.outputs['db-arn']).toMatch(/^arn:aws:rds:us-east-1:222222222222:cluster:staging-au$/)
    expect(run.outputs['snapshot-arn']).toBeUndefined()
    expect(liveSnapshots(sim)).toEqual([])
  })

  it('Multi-AZ DB cluster relay: cluster outputs from the restored cluster; no snapshot-arn', async () => {
    sim = await startWorld()
    const run = succeeded(
      await runAction({
        sim,
        inputs: { ...crossAccount, source: 'prod-multiaz', target: 'staging-mz' },
      }),
    )
    expect(copyOutputsOf(run)).toEqual(clusterOutputs(sim, 'staging-mz'))
    expect(run.outputs['snapshot-arn']).toBeUndefined()
    expect(liveSnapshots(sim)).toEqual([])
  })

  it('DB instance relay: db-identifier and db-arn name the instance (arn:…:db:…); no snapshot-arn', async () => {
    sim = await startWorld()
    const run = succeeded(
      await runAction({
        sim,
        inputs: {
          ...crossAccount,
          source: 'prod-pg',
          target: 'staging-pg',
          'db-parameter-group': 'staging-pg16',
        },
      }),
    )
    expect(copyOutputsOf(run)).toEqual(instanceOutputs(sim, 'staging-pg'))
    expect(run.outputs['db-arn']).toBe('arn:aws:rds:us-east-1:222222222222:db:staging-pg')
    expect(run.outputs['reader-endpoint']).toBeUndefined()
    expect(run.outputs['snapshot-arn']).toBeUndefined()
    expect(liveSnapshots(sim)).toEqual([])
  })
})

describe('snapshot-arn names a snapshot only while it exists (e2e)', () => {
  const instanceRelay = {
    ...crossAccount,
    source: 'prod-pg',
    target: 'staging-pg',
    'db-parameter-group': 'staging-pg16',
  }

  it('keep-snapshots: true keeps the shared snapshot, and snapshot-arn names it', async () => {
    sim = await startWorld()
    const run = succeeded(
      await runAction({ sim, inputs: { ...instanceRelay, 'keep-snapshots': 'true' } }),
    )
    const arn = run.outputs['snapshot-arn']
    expect(arn).toMatch(/^arn:aws:rds:us-east-1:111111111111:snapshot:rds-refresh-4242-1-/)
    expect(liveSnapshots(sim)).toContain(arn)
  })

  it('a destination job holding both roles deletes the hand-off, and does not output it', async () => {
    sim = await startWorld()
    const source = succeeded(
      await runAction({ sim, inputs: { ...instanceRelay, phase: 'source' } }),
    )
    const handoff = source.outputs['snapshot-arn'] ?? ''
    expect(liveSnapshots(sim)).toContain(handoff)
    const destination = succeeded(
      await runAction({
        sim,
        inputs: { ...instanceRelay, source: '', phase: 'destination', 'snapshot-arn': handoff },
      }),
    )
    expect(destination.log).toContain('[delete-shared-snapshot] succeeded')
    expect(destination.outputs['snapshot-arn']).toBeUndefined()
    expect(copyOutputsOf(destination)).toEqual(instanceOutputs(sim, 'staging-pg'))
    expect(liveSnapshots(sim)).toEqual([])
  })
})
