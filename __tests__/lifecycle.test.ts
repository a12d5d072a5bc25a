/**
 * Unit tests of the lifecycle operations' rules: what sweep decides for each kind of resource,
 * which RAM shares it withdraws, and that `operation: plan` describes every step of every method.
 */
import { describe, expect, it } from '@jest/globals'
import { GetResourceShareAssociationsCommand, GetResourceSharesCommand } from '@aws-sdk/client-ram'
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type DBCluster,
} from '@aws-sdk/client-rds'
import type { Accounts } from '../src/credentials.js'
import { clonePlan } from '../src/methods/clone/plan.js'
import type { RefreshContext } from '../src/methods/common/context.js'
import type { SourceKind } from '../src/methods/common/detect.js'
import { readInventory } from '../src/aws/rds-inventory.js'
import { REFRESH_CHANGES } from '../src/methods/lifecycle/plan-changes.js'
import { managedShares } from '../src/aws/ram.js'
import { decideShares } from '../src/methods/lifecycle/sweep.js'
import { decide, type SweepItem } from '../src/methods/lifecycle/sweep-rules.js'
import { relayPlan } from '../src/methods/relay/plan.js'
import type { Phase } from '../src/settings.js'
import { SOURCE_ARN, sourceCluster, STAGING_ACCOUNT, world } from './clone-context.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const HOUR = 3600_000

function item(
  overrides: Partial<Omit<SweepItem, 'tags'>> & { tags?: Record<string, string> },
): SweepItem {
  const { tags, ...rest } = overrides
  return {
    kind: 'db-cluster',
    id: 'pr-1-app',
    arn: 'arn:aws:rds:us-east-1:222222222222:cluster:pr-1-app',
    side: 'destination',
    accountId: STAGING_ACCOUNT,
    status: 'available',
    createdAt: new Date(NOW.getTime() - 30 * HOUR),
    ...rest,
    tags: Object.entries(tags ?? { 'rds-refresh:managed': 'true' }).map(([Key, Value]) => ({
      Key,
      Value,
    })),
  }
}

const managed = (extra: Record<string, string> = {}) => ({
  'rds-refresh:managed': 'true',
  ...extra,
})

describe('sweep rules', () => {
  it.each([
    [
      'an expired managed copy',
      item({ tags: managed({ 'rds-refresh:expires-at': '2026-06-01T11:00:00Z' }) }),
      'delete',
      /^expired at 2026-06-01T11:00:00.000Z$/,
    ],
    [
      'a copy not yet expired',
      item({ tags: managed({ 'rds-refresh:expires-at': '2026-06-02T00:00:00Z' }) }),
      'keep',
      /^expires at /,
    ],
    ['a copy with no expiry', item({}), 'keep', /no rds-refresh:expires-at tag/],
    [
      'an unreadable expiry',
      item({ tags: managed({ 'rds-refresh:expires-at': 'soon' }) }),
      'keep',
      /unreadable/,
    ],
    [
      'an unmanaged database past its expiry tag',
      item({ tags: { 'rds-refresh:expires-at': '2020-01-01T00:00:00Z' } }),
      'keep',
      /no rds-refresh:managed=true tag/,
    ],
    [
      'a managed=false database',
      item({
        tags: { 'rds-refresh:managed': 'false', 'rds-refresh:expires-at': '2020-01-01T00:00:00Z' },
      }),
      'keep',
      /never touched/,
    ],
    [
      'a copy already being deleted',
      item({
        status: 'deleting',
        tags: managed({ 'rds-refresh:expires-at': '2020-01-01T00:00:00Z' }),
      }),
      'keep',
      /already being deleted/,
    ],
    [
      'an old intermediate snapshot',
      item({
        kind: 'db-snapshot',
        tags: managed({ 'rds-refresh:purpose': 'intermediate', 'rds-refresh:run-id': '7-1' }),
      }),
      'delete',
      /^leftover intermediate of run 7-1, 30 h old$/,
    ],
    [
      'a young intermediate',
      item({
        kind: 'db-snapshot',
        createdAt: new Date(NOW.getTime() - 2 * HOUR),
        tags: managed({ 'rds-refresh:purpose': 'intermediate' }),
      }),
      'keep',
      /younger than a day/,
    ],
    [
      'an old hand-off snapshot in the source account',
      item({
        kind: 'db-snapshot',
        side: 'source',
        tags: managed({ 'rds-refresh:purpose': 'handoff' }),
      }),
      'delete',
      /leftover hand-off snapshot/,
    ],
    [
      'a copy in the source account',
      item({ side: 'source', tags: managed({ 'rds-refresh:expires-at': '2020-01-01T00:00:00Z' }) }),
      'keep',
      /a copy in the source account/,
    ],
    [
      'an old managed snapshot without purpose',
      item({ kind: 'db-cluster-snapshot' }),
      'delete',
      /no purpose tag: a managed snapshot/,
    ],
    [
      'an old managed temporary instance without purpose',
      item({ kind: 'db-instance', id: 'rds-refresh-9-1-tmp' }),
      'delete',
      /named as a temporary instance/,
    ],
    [
      'a managed instance without purpose or expiry',
      item({ kind: 'db-instance', id: 'pr-2-db' }),
      'keep',
      /no rds-refresh:expires-at tag/,
    ],
    [
      'an expired copy under deletion protection',
      item({
        deletionProtection: true,
        tags: managed({ 'rds-refresh:expires-at': '2020-01-01T00:00:00Z' }),
      }),
      'keep',
      /deletion protection is on: sweep never turns it off/,
    ],
    [
      'an old snapshot kept by keep-snapshots, with no expiry',
      item({ kind: 'db-snapshot', tags: managed({ 'rds-refresh:purpose': 'kept' }) }),
      'keep',
      /no rds-refresh:expires-at tag .*kept by keep-snapshots/,
    ],
    [
      'a snapshot kept by keep-snapshots whose expiry passed',
      item({
        kind: 'db-cluster-snapshot',
        tags: managed({
          'rds-refresh:purpose': 'kept',
          'rds-refresh:expires-at': '2026-06-01T11:00:00Z',
        }),
      }),
      'delete',
      /expired at .*kept by keep-snapshots/,
    ],
    [
      'the copy a replace swapped out, with no expiry, whatever its age',
      item({
        createdAt: new Date(NOW.getTime() - HOUR),
        tags: managed({ 'rds-refresh:purpose': 'retired', 'rds-refresh:target': 'staging-db' }),
      }),
      'delete',
      /^the copy a replace swapped out of staging-db, whose deletion did not finish$/,
    ],
    [
      'a retired copy AWS is deleting',
      item({ status: 'deleting', tags: managed({ 'rds-refresh:purpose': 'retired' }) }),
      'keep',
      /already being deleted/,
    ],
    [
      'an unknown purpose',
      item({ tags: managed({ 'rds-refresh:purpose': 'pet' }) }),
      'keep',
      /unknown rds-refresh:purpose 'pet'/,
    ],
    [
      'an intermediate with no creation time yet',
      item({
        kind: 'db-snapshot',
        createdAt: undefined,
        tags: managed({ 'rds-refresh:purpose': 'intermediate' }),
      }),
      'keep',
      /no creation time/,
    ],
  ])('%s', (_name, resource, action, reason) => {
    const decision = decide(resource, { now: NOW })
    expect(decision.action).toBe(action)
    expect(decision.reason).toMatch(reason)
  })

  it("never sweeps the job's source, whatever its tags say", () => {
    const source = item({
      id: 'prod-db',
      tags: managed({ 'rds-refresh:expires-at': '2020-01-01T00:00:00Z' }),
    })
    expect(decide(source, { now: NOW, sourceIdentifier: 'prod-db' })).toMatchObject({
      action: 'keep',
      reason: "this job's source: never swept",
    })
  })
})

describe('sweep of RAM shares', () => {
  const SHARE = 'arn:aws:ram:us-east-1:111111111111:resource-share/s1'

  function shareWorld(options: {
    ageHours: number
    principals: string[]
    destinationClusters: DBCluster[]
  }) {
    const w = world()
    w.source.ram.on(GetResourceSharesCommand).resolves({
      resourceShares: [
        {
          resourceShareArn: SHARE,
          name: 'rds-refresh-prod-aurora-to-222222222222',
          status: 'ACTIVE',
          creationTime: new Date(NOW.getTime() - options.ageHours * HOUR),
          tags: [{ key: 'rds-refresh:managed', value: 'true' }],
        },
      ],
    })
    w.source.ram.on(GetResourceShareAssociationsCommand, { associationType: 'RESOURCE' }).resolves({
      resourceShareAssociations: [{ associatedEntity: SOURCE_ARN, status: 'ASSOCIATED' }],
    })
    w.source.ram
      .on(GetResourceShareAssociationsCommand, { associationType: 'PRINCIPAL' })
      .resolves({
        resourceShareAssociations: options.principals.map((p) => ({
          associatedEntity: p,
          status: 'ASSOCIATED',
        })),
      })
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [sourceCluster()] })
    const accounts: Accounts = {
      source: w.ctx.source,
      destination: w.ctx.destination,
      sameAccount: false,
    }
    return { accounts, destinationClusters: options.destinationClusters }
  }

  async function decideFor(options: Parameters<typeof shareWorld>[0]) {
    const { accounts, destinationClusters } = shareWorld(options)
    const shares = await managedShares(accounts.source.clients.ram)
    const [decision] = await decideShares(
      { decisions: [], destinationClusters, shares },
      { accounts, now: NOW, destinationClusters, except: [] },
    )
    return decision
  }

  const clone = (cloneGroup: string): DBCluster => ({
    DBClusterIdentifier: 'pr-5-app',
    CrossAccountClone: true,
    CloneGroupId: cloneGroup,
  })

  it('withdraws an old share that no clone uses', async () => {
    const decision = await decideFor({
      ageHours: 48,
      principals: [STAGING_ACCOUNT],
      destinationClusters: [clone('another-group')],
    })
    expect(decision).toMatchObject({
      action: 'delete',
      reason: 'no copy in the destination uses it any more',
    })
  })

  it('keeps a share a clone of its source still uses (same clone group)', async () => {
    const decision = await decideFor({
      ageHours: 48,
      principals: [STAGING_ACCOUNT],
      destinationClusters: [clone('clone-group-1')],
    })
    expect(decision).toMatchObject({ action: 'keep', reason: 'still used by the clone pr-5-app' })
  })

  it('keeps a share younger than a day, and one shared with other accounts too', async () => {
    expect(
      await decideFor({ ageHours: 2, principals: [STAGING_ACCOUNT], destinationClusters: [] }),
    ).toMatchObject({
      action: 'keep',
      reason: expect.stringContaining('younger than a day'),
    })
    expect(
      await decideFor({
        ageHours: 48,
        principals: [STAGING_ACCOUNT, '333333333333'],
        destinationClusters: [],
      }),
    ).toMatchObject({
      action: 'keep',
      reason: expect.stringContaining('also shared with 333333333333'),
    })
  })

  it('leaves a share made for another destination account to that account', async () => {
    expect(
      await decideFor({ ageHours: 48, principals: ['333333333333'], destinationClusters: [] }),
    ).toMatchObject({
      action: 'keep',
      reason: expect.stringContaining('a sweep for that account decides'),
    })
  })
})

describe('operation: plan describes every step', () => {
  const KINDS: SourceKind[] = ['aurora-cluster', 'multi-az-cluster', 'instance']
  const PHASES: Phase[] = ['all', 'source', 'destination']

  it('has a change description for each step of the clone and of every relay and phase', () => {
    const names = new Set(clonePlan().steps.map((s) => s.name))
    for (const kind of KINDS) {
      for (const phase of PHASES) {
        const ctx = { sourceDb: { kind }, settings: { phase } } as unknown as RefreshContext
        for (const step of relayPlan(ctx).steps) names.add(step.name)
      }
    }
    const missing = [...names].filter((name) => !(name in REFRESH_CHANGES))
    expect(missing).toEqual([])
  })

  it('names what each step creates from the run', () => {
    const { ctx } = world()
    expect(REFRESH_CHANGES['clone-cluster']?.(ctx)).toBe('creates the DB cluster pr-123 (clone)')
    expect(REFRESH_CHANGES['create-instances']?.(ctx)).toBe(
      'creates the DB instances pr-123-1 in pr-123',
    )
    expect(REFRESH_CHANGES['share-source']?.(ctx)).toContain(
      'rds-refresh-prod-aurora-to-222222222222',
    )
  })
})

describe('sweep inventory', () => {
  it('reads every page of every kind, manual snapshots only', async () => {
    const { destination } = world()
    const rds = destination.rds
    rds.on(DescribeDBClustersCommand, { Marker: undefined }).resolves({
      DBClusters: [{ DBClusterIdentifier: 'a' }],
      Marker: 'page-2',
    })
    rds
      .on(DescribeDBClustersCommand, { Marker: 'page-2' })
      .resolves({ DBClusters: [{ DBClusterIdentifier: 'b' }] })
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: 'i' }] })
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] })
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 's' }] })
    const inventory = await readInventory(destination.session.clients.rds)
    expect(inventory.clusters.map((c) => c.DBClusterIdentifier)).toEqual(['a', 'b'])
    expect(inventory.instances).toHaveLength(1)
    expect(inventory.snapshots).toHaveLength(1)
    expect(rds.commandCalls(DescribeDBSnapshotsCommand)[0]?.args[0].input).toMatchObject({
      SnapshotType: 'manual',
    })
  })
})
