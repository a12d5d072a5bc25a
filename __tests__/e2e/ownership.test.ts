/**
 * Ownership end to end: the action changes or deletes only what it can prove it made (tags), in
 * both accounts, through `node dist/index.js` (main and post) against the simulator.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ACCOUNTS,
  createdSince,
  inventoryOf,
  KEYS,
  ROLE_ARNS,
  runAction,
  startWorld,
  type ActionRun,
  type Inventory,
  type Simulator,
  type WorldOptions,
} from './harness.js'
import { STAGING_SECURITY_GROUPS } from '../../sim/fixtures/production.ts'

type Fixture = Parameters<NonNullable<WorldOptions['fixture']>>[0]
type RdsAccount = NonNullable<Fixture['resources']['rds']>['accounts'][number]
type Tags = { Key: string; Value: string }[]

/** Intermediates are named after the run (the local runner's GITHUB_RUN_ID 4242, attempt 1). */
const RUN = 'rds-refresh-4242-1'
const MULTI_AZ_HANDOFF = `${RUN}-snapshot-multiaz-db-m6gd-large`
const REGION = 'us-east-1'

const placement = {
  'kms-key-id': KEYS.staging,
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': STAGING_SECURITY_GROUPS.join(','),
  'poll-interval-seconds': '0.02',
}
const bothRoles = {
  'source-role-arn': ROLE_ARNS.source,
  'destination-role-arn': ROLE_ARNS.staging,
}
/** What each relay and the clone need besides source and target. */
const INPUTS = {
  multiAz: { ...bothRoles, ...placement, source: 'prod-multiaz' },
  aurora: {
    ...bothRoles,
    ...placement,
    source: 'prod-aurora',
    method: 'relay',
    'db-cluster-parameter-group': 'staging-aurora-pg16',
  },
  instance: { ...bothRoles, ...placement, source: 'prod-pg', 'db-parameter-group': 'staging-pg16' },
  clone: {
    ...bothRoles,
    ...placement,
    source: 'prod-aurora',
    method: 'clone',
    'db-cluster-parameter-group': 'staging-aurora-pg16',
  },
} as const

/** Tags another run of the action put on what it made. */
const OTHER_RUN: Tags = [
  { Key: 'rds-refresh:managed', Value: 'true' },
  { Key: 'rds-refresh:run-id', Value: '9999-1' },
]

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

function changeAccount(
  fixture: Fixture,
  account: string,
  change: (a: RdsAccount) => RdsAccount,
): Fixture {
  const rds = fixture.resources.rds
  if (!rds) return fixture
  const accounts = rds.accounts.map((a) => (a.account === account ? change(a) : a))
  return { ...fixture, resources: { ...fixture.resources, rds: { ...rds, accounts } } }
}

/** A standalone instance in staging that snapshots planted there can be taken of. */
const STAGING_LEGACY = {
  identifier: 'staging-legacy',
  engine: 'postgres',
  engineVersion: '16.4',
  instanceClass: 'db.t4g.medium',
  masterUsername: 'postgres',
  allocatedStorage: 50,
  storageType: 'gp3',
  kmsKeyAlias: 'rds-staging',
  subnetGroup: 'staging-db',
  securityGroupIds: [...STAGING_SECURITY_GROUPS],
}

/** Modify and Delete requests that named a resource (by identifier or ARN), from request `since`. */
function changesTo(world: Simulator, id: string, since = 0): string[] {
  return world.requests
    .slice(since)
    .filter((r) => /^(Modify|Delete|Remove)/.test(r.operation))
    .filter((r) => JSON.stringify(r.input).includes(id))
    .map((r) => `${r.account}:${r.operation}`)
}

/** Inventories of both accounts, leaving out what is being deleted (the post step does not wait). */
function settled(world: Simulator): Record<string, Inventory> {
  const strip = (inventory: Inventory): Inventory =>
    Object.fromEntries(
      Object.entries(inventory).map(([type, ids]) => [
        type,
        ids.filter((id) => !/\((deleting|deleted)\)$/.test(id)),
      ]),
    )
  return {
    [ACCOUNTS.production]: strip(inventoryOf(world, ACCOUNTS.production)),
    [ACCOUNTS.staging]: strip(inventoryOf(world, ACCOUNTS.staging)),
  }
}

/**
 * What exists after the run (and its post step) that did not before, per account. A clone's RAM
 * share is left out: it is kept on purpose for later runs (methods/clone/ram-share.ts).
 */
function leftSince(before: Record<string, Inventory>, world: Simulator): Record<string, Inventory> {
  const after = settled(world)
  return Object.fromEntries(
    Object.entries(after).map(([account, inventory]) => {
      const left = createdSince(before[account] ?? {}, inventory)
      delete left['resource-shares']
      return [account, left]
    }),
  )
}

function expectSucceeded(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`action failed:\n${run.log}`)
  expect(run.post?.log ?? '').not.toMatch(/Could not remove/)
}

describe('a snapshot handed to phase: destination', () => {
  it("uses a DBA's manual snapshot in the destination and leaves it alone", async () => {
    sim = await startWorld({
      fixture: (f) =>
        changeAccount(f, ACCOUNTS.staging, (a) => ({
          ...a,
          instances: [STAGING_LEGACY],
          snapshots: [{ identifier: 'dba-before-upgrade', instance: 'staging-legacy' }],
        })),
    })
    const run = await runAction({
      sim,
      inputs: {
        ...placement,
        'destination-role-arn': ROLE_ARNS.staging,
        phase: 'destination',
        'snapshot-arn': `arn:aws:rds:${REGION}:${ACCOUNTS.staging}:snapshot:dba-before-upgrade`,
        target: 'staging-from-dba',
        'db-parameter-group': 'staging-pg16',
      },
    })
    expectSucceeded(run)
    expect(changesTo(sim, 'dba-before-upgrade')).toEqual([])
    expect(run.log).toMatch(
      /\[delete-shared-snapshot\] db-snapshot dba-before-upgrade \(source account 222222222222\) is not a hand-off snapshot made for target staging-from-dba .*\(no rds-refresh:managed=true tag\): it is used and left alone/,
    )
    expect(inventoryOf(sim, ACCOUNTS.staging)['db-snapshots']).toEqual([
      'dba-before-upgrade (available)',
    ])
    expect(inventoryOf(sim, ACCOUNTS.staging)['db-instances']).toContain(
      'staging-from-dba (available)',
    )
  })

  it.each<{
    what: string
    snapshots: RdsAccount['snapshots']
    clusterSnapshots: RdsAccount['clusterSnapshots']
    arn: string
    id: string
    inputs: Record<string, string>
    copy: string
  }>([
    {
      what: 'a production DB snapshot',
      snapshots: [
        { identifier: 'prod-pg-nightly', instance: 'prod-pg', sharedWith: [ACCOUNTS.staging] },
      ],
      clusterSnapshots: [],
      arn: `arn:aws:rds:${REGION}:${ACCOUNTS.production}:snapshot:prod-pg-nightly`,
      id: 'prod-pg-nightly',
      inputs: { 'db-parameter-group': 'staging-pg16' },
      copy: 'db-instances',
    },
    {
      what: 'a production cluster snapshot handed over by another workflow run',
      snapshots: [],
      clusterSnapshots: [
        {
          identifier: 'prod-aurora-handoff',
          cluster: 'prod-aurora',
          sharedWith: [ACCOUNTS.staging],
          tags: [
            ...OTHER_RUN,
            { Key: 'rds-refresh:purpose', Value: 'handoff' },
            { Key: 'rds-refresh:target', Value: 'staging-copy' },
          ],
        },
      ],
      arn: `arn:aws:rds:${REGION}:${ACCOUNTS.production}:cluster-snapshot:prod-aurora-handoff`,
      id: 'prod-aurora-handoff',
      inputs: {
        'db-cluster-parameter-group': 'staging-aurora-pg16',
        'instance-class': 'db.r6g.large',
      },
      copy: 'db-clusters',
    },
  ])(
    'with both roles, uses $what and neither unshares nor deletes it',
    async ({ snapshots, clusterSnapshots, arn, id, inputs, copy }) => {
      sim = await startWorld({
        fixture: (f) =>
          changeAccount(f, ACCOUNTS.production, (a) => ({ ...a, snapshots, clusterSnapshots })),
      })
      const before = settled(sim)
      const run = await runAction({
        sim,
        inputs: {
          ...placement,
          ...bothRoles,
          ...inputs,
          phase: 'destination',
          'snapshot-arn': arn,
          target: 'staging-copy',
        },
      })
      expectSucceeded(run)
      expect(changesTo(sim, id)).toEqual([])
      expect(run.log).toContain('[unshare-snapshot]')
      expect(run.log).toMatch(
        new RegExp(`${id} \\(source account 111111111111\\) is not a hand-off`),
      )
      expect(run.summary).toContain(`left alone, not made by this run: ${id}`)
      // The copy is made; the run's own copy of the snapshot is gone; production is as it was.
      expect(leftSince(before, sim)[ACCOUNTS.production]).toEqual({})
      expect(leftSince(before, sim)[ACCOUNTS.staging]?.[copy]).toEqual(['staging-copy (available)'])
      expect(leftSince(before, sim)[ACCOUNTS.staging]?.['db-snapshots']).toBeUndefined()
      expect(leftSince(before, sim)[ACCOUNTS.staging]?.['db-cluster-snapshots']).toBeUndefined()
    },
  )

  it('deletes and unshares the hand-off the source phase of the same workflow run made for this target', async () => {
    sim = await startWorld()
    const before = settled(sim)
    const source = await runAction({
      sim,
      inputs: { ...bothRoles, source: 'prod-multiaz', target: 'staging-mz', phase: 'source' },
    })
    expectSucceeded(source)
    const sourceJobRequests = sim.requests.length
    const destination = await runAction({
      sim,
      inputs: {
        ...placement,
        ...bothRoles,
        phase: 'destination',
        'snapshot-arn': source.outputs['snapshot-arn'] ?? '',
        target: 'staging-mz',
      },
      // A re-run of only the destination job: same workflow run, next attempt.
      env: { GITHUB_RUN_ATTEMPT: '2' },
    })
    expectSucceeded(destination)
    expect(changesTo(sim, MULTI_AZ_HANDOFF, sourceJobRequests)).toEqual([
      `${ACCOUNTS.production}:ModifyDBSnapshotAttribute`,
      `${ACCOUNTS.production}:DeleteDBSnapshot`,
    ])
    expect(leftSince(before, sim)).toEqual({
      [ACCOUNTS.production]: {},
      [ACCOUNTS.staging]: {
        'db-clusters': ['staging-mz (available)'],
        'db-instances': [1, 2, 3].map((n) => `staging-mz-instance-${n} (available)`),
      },
    })
  })
})

/** A resource planted under a name a run would use, and the run that would meet it. */
interface LookAlike {
  readonly name: string
  readonly account: string
  readonly step: string
  readonly inputs: Record<string, string>
  readonly plant: (a: RdsAccount, tags: Tags | undefined) => RdsAccount
}

const LOOK_ALIKES: readonly LookAlike[] = [
  {
    // A Multi-AZ relay's cluster snapshot says the source's class in its name.
    name: `${RUN}-cluster-multiaz-db-m6gd-large`,
    account: ACCOUNTS.production,
    step: 'snapshot-source-cluster',
    inputs: { ...INPUTS.multiAz, target: 'staging-mz' },
    plant: (a, tags) => ({
      ...a,
      clusterSnapshots: [
        { identifier: `${RUN}-cluster-multiaz-db-m6gd-large`, cluster: 'prod-multiaz', tags },
      ],
    }),
  },
  {
    name: `${RUN}-tmp`,
    account: ACCOUNTS.production,
    step: 'restore-temp-instance',
    inputs: { ...INPUTS.multiAz, target: 'staging-mz' },
    plant: (a, tags) => ({
      ...a,
      instances: [
        ...(a.instances ?? []),
        { ...STAGING_LEGACY, identifier: `${RUN}-tmp`, kmsKeyAlias: 'rds-prod', tags },
      ],
    }),
  },
  {
    name: MULTI_AZ_HANDOFF,
    account: ACCOUNTS.production,
    step: 'snapshot-temp-instance',
    inputs: { ...INPUTS.multiAz, target: 'staging-mz' },
    plant: (a, tags) => ({
      ...a,
      snapshots: [{ identifier: MULTI_AZ_HANDOFF, instance: 'prod-pg', tags }],
    }),
  },
  {
    name: `${RUN}-copy`,
    account: ACCOUNTS.staging,
    step: 'copy-snapshot',
    inputs: { ...INPUTS.instance, target: 'staging-pg' },
    plant: (a, tags) => ({
      ...a,
      instances: [STAGING_LEGACY],
      snapshots: [{ identifier: `${RUN}-copy`, instance: 'staging-legacy', tags }],
    }),
  },
  {
    name: 'pr-7-1',
    account: ACCOUNTS.staging,
    step: 'create-instances',
    inputs: { ...INPUTS.clone, target: 'pr-7' },
    plant: (a, tags) => ({
      ...a,
      instances: [{ ...STAGING_LEGACY, identifier: 'pr-7-1', tags }],
    }),
  },
]

describe('a resource under one of the run’s names that the run did not make', () => {
  const cases = LOOK_ALIKES.flatMap((lookAlike) => [
    { ...lookAlike, who: 'untagged', tags: undefined, owner: 'no rds-refresh:managed=true tag' },
    { ...lookAlike, who: 'made by another run', tags: OTHER_RUN, owner: 'made by run 9999-1' },
  ])

  it.each(cases)(
    '$name ($who) is a collision: refused, named, left untouched, nothing leaks',
    async ({ name, account, step, inputs, plant, tags, owner }) => {
      sim = await startWorld({
        fixture: (f) => changeAccount(f, account, (a) => plant(a, tags)),
      })
      const before = settled(sim)
      const run = await runAction({ sim, inputs })
      expect(run.exitCode).toBe(1)
      const side = account === ACCOUNTS.production ? 'source' : 'destination'
      expect(run.maskedLog).toContain(
        `${name} already exists in the ${side} account ${account} and this run did not make it (${owner}); it is left untouched (step "${step}"`,
      )
      expect(changesTo(sim, name)).toEqual([])
      expect(run.post?.log ?? '').not.toMatch(/Could not remove/)
      // Everything the run made is gone again; the look-alike is still there.
      expect(leftSince(before, sim)).toEqual({
        [ACCOUNTS.production]: {},
        [ACCOUNTS.staging]: {},
      })
      expect(JSON.stringify(settled(sim)[account])).toContain(`${name} (`)
    },
  )
})

describe('a create call whose answer is lost (AWS acted; the SDK retries into the run’s own resource)', () => {
  const lost = (
    method: keyof typeof INPUTS,
    target: string,
    operation: string,
    kind: 'lose-answer' | 'reset-after',
  ) => ({ method, target, operation, kind })
  const cases = [
    lost('clone', 'pr-lost', 'RestoreDBClusterToPointInTime', 'lose-answer'),
    lost('clone', 'pr-lost', 'CreateDBInstance', 'reset-after'),
    lost('multiAz', 'staging-mz', 'CreateDBClusterSnapshot', 'lose-answer'),
    lost('multiAz', 'staging-mz', 'RestoreDBInstanceFromDBSnapshot', 'reset-after'),
    lost('multiAz', 'staging-mz', 'CreateDBSnapshot', 'lose-answer'),
    lost('multiAz', 'staging-mz', 'CopyDBSnapshot', 'reset-after'),
    lost('multiAz', 'staging-mz', 'RestoreDBClusterFromSnapshot', 'lose-answer'),
    lost('aurora', 'staging-aurora', 'CreateDBClusterSnapshot', 'reset-after'),
    lost('aurora', 'staging-aurora', 'CopyDBClusterSnapshot', 'lose-answer'),
    lost('aurora', 'staging-aurora', 'RestoreDBClusterFromSnapshot', 'reset-after'),
    lost('instance', 'staging-pg', 'CreateDBSnapshot', 'reset-after'),
    lost('instance', 'staging-pg', 'CopyDBSnapshot', 'lose-answer'),
    lost('instance', 'staging-pg', 'RestoreDBInstanceFromDBSnapshot', 'lose-answer'),
  ]

  it.each(cases)(
    '$method: $operation ($kind) is adopted as the run’s own; only the copy is left',
    async ({ method, target, operation, kind }) => {
      sim = await startWorld({
        scenario: { faults: { networkFaults: [{ kind, operation, times: 1 }] } },
      })
      const before = settled(sim)
      const run = await runAction({ sim, inputs: { ...INPUTS[method], target } })
      expectSucceeded(run)
      expect(sim.requests.filter((r) => r.fault === kind).map((r) => r.operation)).toEqual([
        operation,
      ])
      expect(run.log).toContain('its answer was lost. Adopting it.')
      expect(run.log).not.toContain('already has a cross-account clone')
      const left = leftSince(before, sim)
      expect(left[ACCOUNTS.production]).toEqual({})
      expect(
        Object.values(left[ACCOUNTS.staging] ?? {})
          .flat()
          .filter((id) => !id.startsWith(target)),
      ).toEqual([])
      expect(
        left[ACCOUNTS.staging]?.['db-clusters'] ?? left[ACCOUNTS.staging]?.['db-instances'],
      ).toContain(`${target} (available)`)
    },
  )
})

describe('cleanup of intermediates after the copy is made', () => {
  it('a failed deletion of an intermediate is a warning with its removal command; the copy stays', async () => {
    sim = await startWorld({
      scenario: {
        faults: {
          failCalls: [
            {
              operation: 'DeleteDBSnapshot',
              account: ACCOUNTS.staging,
              code: 'InvalidDBSnapshotState',
              message: 'injected: the snapshot cannot be deleted now',
            },
          ],
        },
      },
    })
    const run = await runAction({ sim, inputs: { ...INPUTS.multiAz, target: 'staging-mz' } })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['cluster-identifier']).toBe('staging-mz')
    const command = `aws rds delete-db-snapshot --db-snapshot-identifier ${RUN}-copy --region ${REGION}`
    expect(run.maskedLog).toMatch(
      new RegExp(
        `::warning title=rds-refresh%3A delete-copied-snapshot::\\[delete-copied-snapshot\\] Could not remove db-snapshot ${RUN}-copy \\(destination account 222222222222\\): .*InvalidDBSnapshotState.*To remove it by hand: ${command}`,
      ),
    )
    expect(run.summary).toContain('Resources left behind')
    expect(run.summary).toContain(command)
    // The post step tries again, cannot either, says so, and keeps the finished copy.
    expect(run.post?.log).toContain('Could not remove 1 resource(s)')
    expect(run.post?.log).toContain(command)
    expect(changesTo(sim, 'staging-mz')).toEqual([`${ACCOUNTS.staging}:ModifyDBCluster`])
    expect(settled(sim)[ACCOUNTS.staging]?.['db-clusters']).toEqual(['staging-mz (available)'])
  })
})

describe('a source-phase job that does not finish', () => {
  it('a failed phase: source removes its hand-off snapshot', async () => {
    sim = await startWorld({
      scenario: {
        faults: {
          failCalls: [
            {
              operation: 'ModifyDBSnapshotAttribute',
              code: 'InvalidDBSnapshotState',
              message: 'injected: cannot share now',
              times: 1,
            },
          ],
        },
      },
    })
    const before = settled(sim)
    const run = await runAction({
      sim,
      inputs: { ...bothRoles, source: 'prod-multiaz', target: 'staging-mz', phase: 'source' },
    })
    expect(run.exitCode).toBe(1)
    expect(run.post?.log).toContain(
      `Removed db-snapshot ${MULTI_AZ_HANDOFF} (source account ${ACCOUNTS.production})`,
    )
    expect(run.post?.log).not.toContain('Nothing to clean up')
    expect(leftSince(before, sim)).toEqual({ [ACCOUNTS.production]: {}, [ACCOUNTS.staging]: {} })
  })
})

describe('two runs on one target', () => {
  it('reuse waits for the copy another run is building; a cancelled run removes nothing of it', async () => {
    // The copy's instance takes 30 s (real) to build, so run B finds it incomplete.
    sim = await startWorld({ scenario: { durations: { instanceCreate: 18_000 } } })
    const world = sim
    const inputs = { ...INPUTS.clone, target: 'pr-shared' }
    const runA = runAction({ sim, inputs })
    const building = () =>
      (inventoryOf(world, ACCOUNTS.staging)['db-instances'] ?? []).includes(
        'pr-shared-1 (creating)',
      )
    let settledA = false
    void runA.finally(() => (settledA = true))
    while (!building() && !settledA) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(building()).toBe(true)

    const reuse = { ...inputs, 'if-exists': 'reuse' }
    const [a, cancelled, reused] = await Promise.all([
      runA,
      runAction({ sim, inputs: reuse, env: { GITHUB_RUN_ID: '5151' }, cancelAfterMs: 6000 }),
      runAction({ sim, inputs: reuse, env: { GITHUB_RUN_ID: '6161' } }),
    ])
    expectSucceeded(a)
    expect(a.outputs).toMatchObject({ 'cluster-identifier': 'pr-shared', created: 'true' })

    // B, cancelled while A builds: its post step has nothing of its own to remove.
    expect(cancelled.exitCode).not.toBe(0)
    expect(cancelled.post?.log).toContain('Nothing to clean up.')

    // C waited for A's copy to be complete and reports it as it is.
    expectSucceeded(reused)
    expect(reused.log).toMatch(
      /if-exists: reuse: pr-shared is not complete yet \(.*\); it was made by run 4242-1, which may still be building it/,
    )
    expect(reused.outputs).toMatchObject({
      'cluster-identifier': 'pr-shared',
      created: 'false',
      'db-instance-identifiers': 'pr-shared-1',
    })

    // Only A changed its copy (the password), nobody deleted anything of it.
    expect(changesTo(sim, 'pr-shared')).toEqual([`${ACCOUNTS.staging}:ModifyDBCluster`])
    expect(settled(sim)[ACCOUNTS.staging]).toMatchObject({
      'db-clusters': ['pr-shared (available)'],
      'db-instances': ['pr-shared-1 (available)'],
    })
  })
})

describe('the post step finds this run’s resources by tag', () => {
  it('removes what the saved state does not list, and nothing another run made', async () => {
    sim = await startWorld({
      fixture: (f) =>
        changeAccount(f, ACCOUNTS.staging, (a) => ({
          ...a,
          instances: [STAGING_LEGACY],
          snapshots: [
            { identifier: 'other-run-copy', instance: 'staging-legacy', tags: OTHER_RUN },
          ],
        })),
      scenario: {
        faults: {
          resourceFailures: [
            { operation: 'RestoreDBClusterFromSnapshot', status: 'incompatible-restore' },
          ],
        },
      },
    })
    const before = settled(sim)
    const inputs = { ...INPUTS.multiAz, target: 'staging-mz' }
    const main = await runAction({ sim, inputs, post: false })
    expect(main.exitCode).toBe(1)
    // The post step of the same run, with a saved state that lists nothing.
    const post = await runAction({
      sim,
      inputs,
      post: false,
      env: { STATE_isPost: 'true', STATE_outcome: 'failed', STATE_signedIn: 'true' },
    })
    expect(post.exitCode).toBe(0)
    for (const [kind, id, account] of [
      ['db-snapshot', MULTI_AZ_HANDOFF, 'source account 111111111111'],
      ['db-snapshot', `${RUN}-copy`, 'destination account 222222222222'],
    ]) {
      expect(post.log).toContain(`Found ${kind} ${id} (${account}) by this run's tags`)
      expect(post.log).toContain(`Removed ${kind} ${id} (${account})`)
    }
    // A copy is only ever removed from the saved state: one missing there is another job's.
    expect(post.log).toContain(
      "Left alone: db-cluster staging-mz (destination account 222222222222) carries this run's tags but this job never recorded creating it",
    )
    expect(post.log).not.toContain('other-run-copy')
    expect(changesTo(sim, 'other-run-copy')).toEqual([])
    expect(leftSince(before, sim)[ACCOUNTS.production]).toEqual({})
    expect(Object.keys(leftSince(before, sim)[ACCOUNTS.staging] ?? {}).sort()).toEqual([
      'db-clusters',
      'db-instances',
    ])
  })
})
