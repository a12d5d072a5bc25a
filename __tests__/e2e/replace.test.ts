/**
 * `if-exists: replace` end to end (`node dist/index.js` against the simulator): the rename swap
 * for Aurora clusters, Multi-AZ DB clusters and DB instances, its roll-back at each rename, the
 * one-cross-account-clone rule (relay then swap by default, delete-first on request), the
 * ownership guard, and base and branches.
 */
import type { ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from '@jest/globals'
import { STAGING_SECURITY_GROUPS } from '../../sim/fixtures/production.ts'
import { CallGate } from '../safety/gate.ts'
import { errorLine, sameAccountInputs, stagingInputs, withClusters } from './clone-world.ts'
import {
  ACCOUNTS,
  KEYS,
  ROLE_ARNS,
  runAction,
  startWorld,
  type ActionRun,
  type Simulator,
  type WorldOptions,
} from './harness.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function world(options?: WorldOptions): Promise<Simulator> {
  sim = await startWorld(options)
  return sim
}

type Item = Record<string, unknown>

/** Run the action as workflow run `runId` (each night is a new run). */
function runAs(s: Simulator, runId: number, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ sim: s, inputs, env: { GITHUB_RUN_ID: String(runId) }, post: true })
}

/**
 * Run as `runAs` does, noting where the post step's requests begin: the post step's process is
 * spawned only once the main step's has exited, so the requests before it are the main step's.
 */
async function runSplit(
  s: Simulator,
  runId: number,
  inputs: Record<string, string>,
  onMain?: (child: ChildProcess) => void,
): Promise<{ run: ActionRun; postFrom: number }> {
  let postFrom = Number.POSITIVE_INFINITY
  const run = await runAction({
    sim: s,
    inputs,
    env: { GITHUB_RUN_ID: String(runId) },
    post: true,
    onSpawn: (child, step) => {
      if (step === 'post') postFrom = s.requests.length
      else onMain?.(child)
    },
  })
  return { run, postFrom }
}

/** Requests naming `id` (as an identifier or at the end of an ARN), from `from` up to `to`. */
function naming(s: Simulator, id: string, from: number, to: number) {
  const names = (value: unknown) =>
    typeof value === 'string' && (value === id || value.endsWith(`:${id}`))
  return s.requests.slice(from, to).filter((r) => Object.values(r.input as Item).some(names))
}

function expectSucceeded(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`action failed:\n${run.log}`)
}

function clusterOf(s: Simulator, account: string, id: string): Item | undefined {
  return (s.inventory(account)['db-clusters'] as Item[]).find((c) => c.DBClusterIdentifier === id)
}

function instanceOf(s: Simulator, account: string, id: string): Item | undefined {
  return (s.inventory(account)['db-instances'] as Item[]).find((i) => i.DBInstanceIdentifier === id)
}

function names(s: Simulator, account: string, type: 'db-clusters' | 'db-instances'): string[] {
  const key = type === 'db-clusters' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier'
  return (s.inventory(account)[type] as Item[]).map((r) => String(r[key])).sort()
}

/** The renames and deletions a run asked for, in order, as `Operation from→to` / `Operation id`. */
function swapCalls(s: Simulator, from: number, account: string): string[] {
  return s.requests
    .slice(from)
    .filter((r) => r.account === account && !r.errorCode)
    .flatMap((r) => {
      const input = r.input as Record<string, unknown>
      const id = String(input.DBClusterIdentifier ?? input.DBInstanceIdentifier ?? '')
      const to = input.NewDBClusterIdentifier ?? input.NewDBInstanceIdentifier
      if (r.operation.startsWith('Modify') && to) return [`${r.operation} ${id}→${String(to)}`]
      if (r.operation === 'DeleteDBCluster' || r.operation === 'DeleteDBInstance')
        return [`${r.operation} ${id}`]
      return []
    })
}

const crossAccount = {
  'source-role-arn': ROLE_ARNS.source,
  'destination-role-arn': ROLE_ARNS.staging,
  'kms-key-id': KEYS.staging,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': [...STAGING_SECURITY_GROUPS].join(','),
}

const replace = { 'if-exists': 'replace' }

describe('replace: the target keeps its name and endpoint and serves a new resource', () => {
  it('Aurora cluster (same-account clone): old copy away, new copy in, instances too, old deleted after', async () => {
    // A long stale window: the target names keep answering as the old copy well after the swap.
    const s = await world({ scenario: { durations: { renameStale: 4800 } } })
    const account = ACCOUNTS.production
    expectSucceeded(await runAs(s, 100, sameAccountInputs('staging-db')))
    const before = clusterOf(s, account, 'staging-db') as Item
    const beforeInstance = instanceOf(s, account, 'staging-db-1') as Item
    const from = s.requests.length

    const { run, postFrom } = await runSplit(s, 101, {
      ...sameAccountInputs('staging-db'),
      ...replace,
    })
    expectSucceeded(run)

    const after = clusterOf(s, account, 'staging-db') as Item
    expect(after.DbClusterResourceId).not.toBe(before.DbClusterResourceId)
    expect(after.Endpoint).toBe(before.Endpoint)
    expect(after.ReaderEndpoint).toBe(before.ReaderEndpoint)
    expect(after.Status).toBe('available')
    expect(instanceOf(s, account, 'staging-db-1')?.DbiResourceId).not.toBe(
      beforeInstance.DbiResourceId,
    )
    expect(names(s, account, 'db-clusters').filter((n) => n.startsWith('staging-db'))).toEqual([
      'staging-db',
    ])
    expect(names(s, account, 'db-instances').filter((n) => n.startsWith('staging-db'))).toEqual([
      'staging-db-1',
    ])
    expect(swapCalls(s, from, account)).toEqual([
      'ModifyDBCluster staging-db→staging-db-101-1-old',
      'ModifyDBInstance staging-db-1→staging-db-101-1-old-1',
      'ModifyDBCluster staging-db-101-1-new→staging-db',
      'ModifyDBInstance staging-db-101-1-new-1→staging-db-1',
      'DeleteDBInstance staging-db-101-1-old-1',
      'DeleteDBCluster staging-db-101-1-old',
    ])
    // The new copy was built under the run's temporary name, tagged as this run's copy of the target.
    const restore = s.requests
      .slice(from)
      .find((r) => r.operation === 'RestoreDBClusterToPointInTime')?.input as Item
    expect(restore.DBClusterIdentifier).toBe('staging-db-101-1-new')
    expect(restore.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'rds-refresh:managed', Value: 'true' },
        { Key: 'rds-refresh:run-id', Value: '101-1' },
        { Key: 'rds-refresh:purpose', Value: 'copy' },
        { Key: 'rds-refresh:target', Value: 'staging-db' },
      ]),
    )
    expect(run.outputs).toMatchObject({
      'cluster-identifier': 'staging-db',
      endpoint: before.Endpoint,
      'db-instance-identifiers': 'staging-db-1',
      created: 'true',
    })
    // Only the resource id told the old copy's stale answer from the new copy under the same name.
    expect(run.log).toContain('DB cluster staging-db: still answering as the resource that left')
    expect(run.log).toContain('DB instance staging-db-1: still answering as the resource that left')
    expect(run.summary).toContain('swap-into-place')
    expect(run.summary).toContain('delete-old-copy')
    // The old copy was tagged retired, then its deletion started, and the main step ended without
    // polling it once more: the outputs and the step's success do not wait for AWS to remove it.
    const old = 'staging-db-101-1-old'
    const main = naming(s, old, from, postFrom).map((r) => r.operation)
    expect(main.slice(main.indexOf('AddTagsToResource'))).toEqual([
      'AddTagsToResource',
      'DeleteDBCluster',
    ])
    const tagged = naming(s, old, from, postFrom).find((r) => r.operation === 'AddTagsToResource')
    expect(tagged?.input).toMatchObject({
      ResourceName: expect.stringMatching(/:cluster:staging-db-101-1-old$/),
      Tags: [{ Key: 'rds-refresh:purpose', Value: 'retired' }],
    })
    expect(run.summary).toContain('Old copy being deleted')
    expect(run.summary).toContain(
      'aws rds delete-db-cluster --db-cluster-identifier staging-db-101-1-old',
    )
    // The post step waited until AWS had removed it, and said so.
    expect(naming(s, old, postFrom, s.requests.length).map((r) => r.operation)).toContain(
      'DescribeDBClusters',
    )
    expect(run.post?.log).toContain('The old copy staging-db-101-1-old is deleted')
    expect(run.post?.summary).toContain('The old copy staging-db-101-1-old is deleted')
    expect(run.post?.log).not.toMatch(/::(warning|error)/)
  })

  it('Multi-AZ DB cluster (relay): the cluster is swapped, its members keep their AWS names', async () => {
    const s = await world()
    const account = ACCOUNTS.staging
    const inputs = { ...crossAccount, source: 'prod-multiaz', target: 'staging-mz' }
    expectSucceeded(await runAs(s, 200, inputs))
    const before = clusterOf(s, account, 'staging-mz') as Item
    const from = s.requests.length

    expectSucceeded(await runAs(s, 201, { ...inputs, ...replace }))

    const after = clusterOf(s, account, 'staging-mz') as Item
    expect(after.DbClusterResourceId).not.toBe(before.DbClusterResourceId)
    expect(after.Endpoint).toBe(before.Endpoint)
    expect(after.Status).toBe('available')
    expect(names(s, account, 'db-clusters')).toEqual(['staging-mz'])
    expect(swapCalls(s, from, account)).toEqual([
      'ModifyDBCluster staging-mz→staging-mz-201-1-old',
      'ModifyDBCluster staging-mz-201-1-new→staging-mz',
      'DeleteDBCluster staging-mz-201-1-old',
    ])
    expect(names(s, account, 'db-instances')).toEqual(
      ['1', '2', '3'].map((n) => `staging-mz-201-1-new-instance-${n}`),
    )
  })

  it('DB instance (relay): the instance is swapped and the old one deleted after', async () => {
    const s = await world()
    const account = ACCOUNTS.staging
    const inputs = {
      ...crossAccount,
      source: 'prod-pg',
      target: 'staging-pg',
      'db-parameter-group': 'staging-pg16',
      'deletion-protection': 'true',
    }
    expectSucceeded(await runAs(s, 300, inputs))
    const before = instanceOf(s, account, 'staging-pg') as Item
    const from = s.requests.length

    const run = await runAs(s, 301, { ...inputs, ...replace })
    expectSucceeded(run)

    const after = instanceOf(s, account, 'staging-pg') as Item
    expect(after.DbiResourceId).not.toBe(before.DbiResourceId)
    expect(after.Endpoint).toEqual(before.Endpoint)
    expect(after.DBInstanceStatus).toBe('available')
    expect(names(s, account, 'db-instances')).toEqual(['staging-pg'])
    expect(swapCalls(s, from, account)).toEqual([
      'ModifyDBInstance staging-pg→staging-pg-301-1-old',
      'ModifyDBInstance staging-pg-301-1-new→staging-pg',
      'DeleteDBInstance staging-pg-301-1-old',
    ])
    expect(run.outputs['db-instance-identifiers']).toBe('staging-pg')
    // The old copy's deletion protection went off (it is managed) after the swap, before the delete.
    const requests = s.requests.slice(from).filter((r) => r.account === account && !r.errorCode)
    const unprotect = requests.findIndex(
      (r) =>
        r.operation === 'ModifyDBInstance' &&
        (r.input as Item).DBInstanceIdentifier === 'staging-pg-301-1-old' &&
        (r.input as Item).DeletionProtection === false,
    )
    const swapped = requests.findIndex(
      (r) => (r.input as Item).NewDBInstanceIdentifier === 'staging-pg',
    )
    const deleted = requests.findIndex((r) => r.operation === 'DeleteDBInstance')
    expect(swapped).toBeGreaterThan(0)
    expect(unprotect).toBeGreaterThan(swapped)
    expect(deleted).toBeGreaterThan(unprotect)
    expect(after.DeletionProtection).toBe(true)
  })
})

describe('replace: deleting the old copy', () => {
  it('a failed deletion is a warning: the run succeeds on the new copy and the post step deletes the old one', async () => {
    const s = await world()
    const account = ACCOUNTS.production
    expectSucceeded(await runAs(s, 800, sameAccountInputs('staging-db')))
    s.setFaults({
      failCalls: [
        {
          operation: 'DeleteDBCluster',
          code: 'InvalidDBClusterStateFault',
          input: { DBClusterIdentifier: 'staging-db-801-1-old' },
          times: 1,
        },
      ],
    })

    const run = await runAs(s, 801, { ...sameAccountInputs('staging-db'), ...replace })

    expectSucceeded(run)
    expect(run.log).toMatch(
      /::warning[^:]*::.*The old copy staging-db-801-1-old could not be deleted/,
    )
    expect(run.summary).toContain('old copy staging-db-801-1-old NOT deleted')
    expect(run.outputs['cluster-identifier']).toBe('staging-db')
    expect(run.summary).toContain('Old copy being deleted')
    expect(run.post?.log).toContain('Removed db-cluster staging-db-801-1-old')
    expect(run.post?.log).toContain('The old copy staging-db-801-1-old is deleted')
    expect(run.post?.log).not.toMatch(/Removed db-(cluster|instance) staging-db( |-1 )/)
    expect(clusterOf(s, account, 'staging-db-801-1-old')).toBeUndefined()
    expect(clusterOf(s, account, 'staging-db')?.Status).toBe('available')
    expect(instanceOf(s, account, 'staging-db-1')?.DBInstanceStatus).toBe('available')
  })

  it('a deletion refused in the main step and the post step: both say what to do, and sweep removes the old copy', async () => {
    const s = await world()
    const account = ACCOUNTS.production
    expectSucceeded(await runAs(s, 810, sameAccountInputs('staging-db')))
    const old = 'staging-db-811-1-old'
    s.setFaults({
      failCalls: [
        {
          operation: 'DeleteDBCluster',
          code: 'InvalidDBClusterStateFault',
          input: { DBClusterIdentifier: old },
          times: 2,
        },
      ],
    })

    const run = await runAs(s, 811, { ...sameAccountInputs('staging-db'), ...replace })

    expectSucceeded(run)
    expect(run.outputs['cluster-identifier']).toBe('staging-db')
    expect(run.log).toMatch(
      /::warning[^:]*::\[delete-old-copy\] The old copy staging-db-811-1-old could not be deleted; staging-db serves the new copy all the same/,
    )
    expect(run.summary).toContain(`old copy ${old} NOT deleted`)
    const command = `aws rds delete-db-cluster --db-cluster-identifier ${old}`
    expect(run.post?.log).toMatch(
      /::warning title=rds-refresh post step%3A left behind::Could not remove 1 resource\(s\)/,
    )
    expect(run.post?.log).toContain(command)
    expect(run.post?.log).toContain('operation: sweep also removes it')
    expect(run.post?.summary).toContain(command)
    // Left behind, tagged retired; the new copy untouched.
    const retired = clusterOf(s, account, old) as Item
    expect(retired.Status).toBe('available')
    expect(retired.TagList).toEqual(
      expect.arrayContaining([{ Key: 'rds-refresh:purpose', Value: 'retired' }]),
    )
    expect(clusterOf(s, account, 'staging-db')?.Status).toBe('available')

    const sweep = await runAs(s, 812, { 'source-role-arn': ROLE_ARNS.source, operation: 'sweep' })

    expectSucceeded(sweep)
    expect(sweep.summary).toMatch(
      /<td>staging-db-811-1-old<\/td>.*🗑 deleted<\/td><td>the copy a replace swapped out of staging-db/,
    )
    expect(clusterOf(s, account, old)).toBeUndefined()
    expect(clusterOf(s, account, 'staging-db')?.Status).toBe('available')
    expect(instanceOf(s, account, 'staging-db-1')?.DBInstanceStatus).toBe('available')
  })

  it('cancelled while the old copy is being deleted: the target keeps the new copy, the post step finishes the deletion', async () => {
    // Holds the main step on the old copy's first deletion call, to cancel it right there.
    const gate = new CallGate({
      match: { operation: 'DeleteDBInstance', account: ACCOUNTS.production },
      hold: 'call',
    })
    const s = await world({ services: gate.services() })
    const account = ACCOUNTS.production
    expectSucceeded(await runAs(s, 820, sameAccountInputs('staging-db')))
    const before = clusterOf(s, account, 'staging-db') as Item
    const from = s.requests.length

    const { run, postFrom } = await runSplit(
      s,
      821,
      { ...sameAccountInputs('staging-db'), ...replace },
      (child) => {
        child.once('exit', () => gate.release())
        void gate.reached.then(() => child.kill('SIGINT'))
      },
    )

    expect(gate.hasBeenReached).toBe(true)
    expect(run.exitCode).toBe(1)
    expect(run.log).toMatch(/::warning title=rds-refresh%3A cancelled::Received SIGINT/)
    const after = clusterOf(s, account, 'staging-db') as Item
    expect(after.DbClusterResourceId).not.toBe(before.DbClusterResourceId)
    expect(after.Endpoint).toBe(before.Endpoint)
    expect(after.Status).toBe('available')
    expect(instanceOf(s, account, 'staging-db-1')?.DBInstanceStatus).toBe('available')
    expect(run.post?.log).toContain('The old copy staging-db-821-1-old is deleted')
    expect(names(s, account, 'db-clusters').filter((n) => n.startsWith('staging-db'))).toEqual([
      'staging-db',
    ])
    // Neither step deleted anything of the new copy.
    const deletes = s.requests
      .slice(from)
      .filter((r) => r.operation.startsWith('Delete'))
      .map((r) => String(r.input.DBClusterIdentifier ?? r.input.DBInstanceIdentifier))
    expect(deletes.length).toBeGreaterThan(0)
    for (const id of deletes) expect(id).toMatch(/^staging-db-821-1-old(-1)?$/)
    expect(postFrom).toBeLessThan(s.requests.length)
  })
})

describe('replace: a failed rename is rolled back', () => {
  const renames = [
    ['the old cluster away', { NewDBClusterIdentifier: 'staging-db-401-1-old' }, 'ModifyDBCluster'],
    [
      'an old instance away',
      { NewDBInstanceIdentifier: 'staging-db-401-1-old-1' },
      'ModifyDBInstance',
    ],
    ['the new cluster into place', { NewDBClusterIdentifier: 'staging-db' }, 'ModifyDBCluster'],
    ['a new instance into place', { NewDBInstanceIdentifier: 'staging-db-1' }, 'ModifyDBInstance'],
  ] as const

  it.each(renames)(
    'renaming %s fails: the target name serves the old copy, available, and the run says so',
    async (_what, input, operation) => {
      const s = await world()
      const account = ACCOUNTS.production
      expectSucceeded(await runAs(s, 400, sameAccountInputs('staging-db')))
      const before = clusterOf(s, account, 'staging-db') as Item
      const beforeInstance = instanceOf(s, account, 'staging-db-1') as Item
      s.setFaults({
        failCalls: [{ operation, code: 'InvalidDBClusterStateFault', input, times: 1 }],
      })

      const run = await runAs(s, 401, { ...sameAccountInputs('staging-db'), ...replace })

      expect(run.exitCode).toBe(1)
      const error = errorLine(run.log)
      expect(error).toContain('Replace failed at the rename')
      expect(error).toContain('InvalidDBClusterStateFault')
      expect(error).toContain(
        `DB cluster staging-db answers as the previous copy (${String(before.DbClusterResourceId)}), status available`,
      )
      const now = clusterOf(s, account, 'staging-db') as Item
      expect(now.DbClusterResourceId).toBe(before.DbClusterResourceId)
      expect(now.Status).toBe('available')
      const member = instanceOf(s, account, 'staging-db-1') as Item
      expect(member.DbiResourceId).toBe(beforeInstance.DbiResourceId)
      expect(member.DBClusterIdentifier).toBe('staging-db')
      expect(member.DBInstanceStatus).toBe('available')
      // Nothing of the old copy was deleted; the new one went with the post step.
      expect(
        s.requests.some(
          (r) =>
            r.operation.startsWith('Delete') &&
            String(Object.values(r.input as Item)[0]).includes('old'),
        ),
      ).toBe(false)
      expect(run.post?.log).toContain('Removed db-cluster staging-db-401-1-new')
      const staging = clusterOf(s, account, 'staging-db-401-1-new')
      expect([undefined, 'deleting']).toContain(staging?.Status)
    },
  )
})

describe('replace: one cross-account clone per source per account', () => {
  const cloned = { ...crossAccount, source: 'prod-aurora', target: 'staging-db' }

  it('default (method auto, replace-strategy swap): relay then swap, the endpoint answers throughout', async () => {
    const s = await world()
    const account = ACCOUNTS.staging
    const first = await runAs(s, 500, cloned)
    expectSucceeded(first)
    expect(first.outputs.method).toBe('clone')
    const before = clusterOf(s, account, 'staging-db') as Item
    const from = s.requests.length

    const run = await runAs(s, 501, { ...cloned, ...replace })
    expectSucceeded(run)

    expect(run.outputs.method).toBe('relay')
    expect(run.log).toContain('is the cross-account clone of prod-aurora in account 222222222222')
    expect(run.log).toContain('the snapshot relay is used instead')
    const after = clusterOf(s, account, 'staging-db') as Item
    expect(after.DbClusterResourceId).not.toBe(before.DbClusterResourceId)
    expect(after.Endpoint).toBe(before.Endpoint)
    expect(after.CrossAccountClone).toBe(false)
    const ops = swapCalls(s, from, account)
    // Nothing is deleted before the new copy holds the name.
    expect(ops.indexOf('ModifyDBCluster staging-db-501-1-new→staging-db')).toBeLessThan(
      ops.indexOf('DeleteDBCluster staging-db-501-1-old'),
    )
    expect(ops[0]).toBe('ModifyDBCluster staging-db→staging-db-501-1-old')
  })

  it('explicit method clone with the default swap is refused before anything changes', async () => {
    const s = await world()
    expectSucceeded(await runAs(s, 510, cloned))
    const from = s.requests.length
    const run = await runAs(s, 511, { ...cloned, ...replace, method: 'clone' })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toContain('is the cross-account clone of prod-aurora')
    expect(error).toContain('replace-strategy: delete-first')
    expect(error).toContain('Base and branches')
    const changes = s.requests
      .slice(from)
      .filter((r) => /^(Modify|Delete|Restore|Create)/.test(r.operation))
    expect(changes).toEqual([])
  })

  it('replace-strategy delete-first: deletes the clone, clones again, and says the name was empty', async () => {
    const s = await world()
    const account = ACCOUNTS.staging
    expectSucceeded(await runAs(s, 520, cloned))
    const before = clusterOf(s, account, 'staging-db') as Item
    const from = s.requests.length

    const run = await runAs(s, 521, {
      ...cloned,
      ...replace,
      method: 'clone',
      'replace-strategy': 'delete-first',
    })
    expectSucceeded(run)

    expect(run.outputs.method).toBe('clone')
    const after = clusterOf(s, account, 'staging-db') as Item
    expect(after.DbClusterResourceId).not.toBe(before.DbClusterResourceId)
    expect(after.Endpoint).toBe(before.Endpoint)
    expect(after.CrossAccountClone).toBe(true)
    const requests = s.requests.slice(from).filter((r) => r.account === account && !r.errorCode)
    const deleted = requests.findIndex((r) => r.operation === 'DeleteDBCluster')
    const restored = requests.findIndex((r) => r.operation === 'RestoreDBClusterToPointInTime')
    expect(deleted).toBeGreaterThanOrEqual(0)
    expect(deleted).toBeLessThan(restored)
    expect(run.log).toMatch(
      /::warning[^:]*::.*replace-strategy: delete-first: staging-db is deleted now/,
    )
    expect(run.summary).toMatch(/staging-db was empty for \d+s/)
  })
})

describe('replace: ownership', () => {
  it('refuses a target without the managed tag, naming the tag, and changes nothing', async () => {
    const s = await world({
      fixture: withClusters(ACCOUNTS.production, [
        {
          identifier: 'legacy-db',
          engine: 'aurora-postgresql',
          engineVersion: '16.4',
          masterUsername: 'postgres',
          instances: [{ identifier: 'legacy-db-1', instanceClass: 'db.r6g.large' }],
        },
      ]),
    })
    const run = await runAs(s, 600, { ...sameAccountInputs('legacy-db'), ...replace })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(
      'Target legacy-db exists but was not created by rds-refresh (no rds-refresh:managed=true tag), so it is left untouched: replace acts only on copies carrying that tag',
    )
    const changes = s.requests.filter((r) => /^(Modify|Delete|Restore|Create)/.test(r.operation))
    expect(changes).toEqual([])
    expect(clusterOf(s, ACCOUNTS.production, 'legacy-db')?.Status).toBe('available')
  })
})

describe('base and branches (Aurora)', () => {
  it('a relay base via replace, two same-account clones of it, then the base replaced again: the clones keep working', async () => {
    const s = await world()
    const account = ACCOUNTS.staging
    const base = { ...crossAccount, source: 'prod-aurora', target: 'base', method: 'relay' }
    const branch = (target: string) => ({
      'source-role-arn': ROLE_ARNS.staging,
      source: 'base',
      target,
      'if-exists': 'reuse',
    })

    const nightly = await runAs(s, 700, { ...base, ...replace })
    expectSucceeded(nightly)
    expect(nightly.outputs.method).toBe('relay')
    for (const [runId, pr] of [
      [701, 'pr-1'],
      [702, 'pr-2'],
    ] as const) {
      const run = await runAs(s, runId, branch(pr))
      expectSucceeded(run)
      expect(run.outputs.method).toBe('clone')
      expect(run.outputs['source-account-id']).toBe(account)
    }
    const clones = ['pr-1', 'pr-2'].map((id) => clusterOf(s, account, id) as Item)
    const baseBefore = clusterOf(s, account, 'base') as Item
    expect(clones.map((c) => c.CloneGroupId)).toEqual([
      baseBefore.CloneGroupId,
      baseBefore.CloneGroupId,
    ])

    expectSucceeded(await runAs(s, 703, { ...base, ...replace }))

    const baseAfter = clusterOf(s, account, 'base') as Item
    expect(baseAfter.DbClusterResourceId).not.toBe(baseBefore.DbClusterResourceId)
    expect(baseAfter.Endpoint).toBe(baseBefore.Endpoint)
    for (const clone of clones) {
      const now = clusterOf(s, account, String(clone.DBClusterIdentifier)) as Item
      expect(now.Status).toBe('available')
      expect(now.DbClusterResourceId).toBe(clone.DbClusterResourceId)
    }
    expect(names(s, account, 'db-clusters')).toEqual(['base', 'pr-1', 'pr-2'])

    // The pull requests close: each PR database is deleted (twice for one: a PR can be closed
    // twice), and the base stays.
    const teardown = (target: string) => ({
      'source-role-arn': ROLE_ARNS.staging,
      operation: 'delete',
      target,
    })
    for (const [runId, pr] of [
      [704, 'pr-1'],
      [705, 'pr-2'],
      [706, 'pr-2'],
    ] as const) {
      expectSucceeded(await runAs(s, runId, teardown(pr)))
    }
    expect(names(s, account, 'db-clusters')).toEqual(['base'])
    expect(clusterOf(s, account, 'base')?.Status).toBe('available')
  })

  it('a base made by a cross-account clone cannot be branched: the refusal names the pattern', async () => {
    const s = await world()
    expectSucceeded(
      await runAs(s, 710, { ...stagingInputs('base'), 'db-subnet-group': 'staging-db' }),
    )
    const run = await runAs(s, 711, {
      'source-role-arn': ROLE_ARNS.staging,
      source: 'base',
      target: 'pr-1',
      method: 'clone',
    })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toContain('base is itself a cross-account clone')
    expect(error).toContain('make the base with method: relay')
  })
})
