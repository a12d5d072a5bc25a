/**
 * The simulated RDS service: pure handlers over an in-memory, per-account store whose resources
 * move through AWS's documented statuses over simulated time. See README.md for the rules.
 */
import type { KmsView, RamView, ServiceEnv, ServiceHandlers } from '../../core/types.ts'
import { accountHandlers } from './account.ts'
import { clusterHandlers } from './clusters.ts'
import type { RdsFixture } from './fixture.ts'
import { instanceHandlers } from './instances.ts'
import { placementHandlers } from './placement.ts'
import { clusterShape, clusterSnapshotShape, instanceShape, snapshotShape } from './present.ts'
import { seedRds } from './seed.ts'
import { restoreAttribute, snapshotHandlers } from './snapshots.ts'
import type { AnyRecord } from './records.ts'
import { RdsStore } from './store.ts'
import { tagHandlers } from './tags.ts'
import { parseRdsArn } from './common.ts'
import { checkCreatedNames, lowerCaseNames } from './identifiers.ts'

export interface Rds {
  readonly handlers: ServiceHandlers
  seed(fixture: RdsFixture): void
  /** Every RDS resource of the account, as the API shows it (snapshots with their restore attribute). */
  inventory(account: string): Record<string, unknown[]>
  /** Owner, RAM resource type (`rds:Cluster`) and status of an existing DB cluster ARN, for RAM. */
  lookup(arn: string): { ownerAccount: string; type: string; status: string } | undefined
  /** Applies every status change due by now (handlers and inventory do this themselves). */
  settle(): void
  /** Tags and KMS key of an existing cluster, instance or snapshot by ARN, for IAM. */
  resourceFacts(
    arn: string,
  ): { tags: Readonly<Record<string, string>>; kmsKeyArn?: string } | undefined
  /** The key RDS puts a managed master user secret under when none is named. */
  secretsManagerKeyArn(account: string): string
}

export interface RdsOptions {
  readonly env: ServiceEnv
  readonly kms: KmsView
  readonly ram: RamView
}

export function createRds(options: RdsOptions): Rds {
  const store = new RdsStore(options)
  const raw = {
    ...accountHandlers(store),
    ...clusterHandlers(store),
    ...instanceHandlers(store),
    ...snapshotHandlers(store),
    ...tagHandlers(store),
    ...placementHandlers(store),
  }
  const handlers: ServiceHandlers = Object.fromEntries(
    Object.entries(raw).map(([name, handler]) => [
      name,
      (ctx) => {
        store.settle()
        const input = lowerCaseNames(ctx.input)
        checkCreatedNames(ctx.operation, ctx.input)
        return handler({ ...ctx, input })
      },
    ]),
  )
  return {
    handlers,
    seed: (fixture) => seedRds(store, fixture),
    settle: () => store.settle(),
    inventory: (account) => {
      store.settle()
      const acct = store.account(account)
      return {
        'db-clusters': [...acct.clusters.values()].map((c) => clusterShape(store, c)),
        'db-instances': [...acct.instances.values()].map((i) => instanceShape(store, i)),
        'db-cluster-snapshots': [...acct.clusterSnapshots.values()].map((s) => ({
          ...clusterSnapshotShape(store, s, account),
          Attributes: restoreAttribute(s),
        })),
        'db-snapshots': [...acct.snapshots.values()].map((s) => ({
          ...snapshotShape(store, s, account),
          Attributes: restoreAttribute(s),
        })),
      }
    },
    // No settle here: IAM reads tags as they are, and must not move simulated state forward.
    resourceFacts: (arn) => {
      const parsed = parseRdsArn(arn)
      if (!parsed) return undefined
      const acct = store.account(parsed.account)
      const maps: Record<string, Map<string, AnyRecord>> = {
        cluster: acct.clusters,
        db: acct.instances,
        snapshot: acct.snapshots,
        'cluster-snapshot': acct.clusterSnapshots,
      }
      const record = maps[parsed.kind]?.get(parsed.identifier.toLowerCase())
      if (!record) return undefined
      return {
        tags: Object.fromEntries(record.tags.map((t) => [t.Key, t.Value])),
        ...(record.kmsKeyArn !== undefined && { kmsKeyArn: record.kmsKeyArn }),
      }
    },
    secretsManagerKeyArn: (account) => store.secretsManagerKeyArn(account),
    lookup: (arn) => {
      store.settle()
      const parsed = parseRdsArn(arn)
      if (!parsed) return undefined
      const cluster =
        parsed.kind === 'cluster'
          ? store.account(parsed.account).clusters.get(parsed.identifier.toLowerCase())
          : undefined
      return cluster
        ? { ownerAccount: parsed.account, type: 'rds:Cluster', status: cluster.status }
        : undefined
    },
  }
}

export type { RdsFixture }
