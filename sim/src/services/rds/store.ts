/**
 * RDS state of the simulated region: per-account resources, placement objects and quotas, and the
 * lifecycle engine that moves statuses along over simulated time. Transitions are evaluated
 * lazily (`settle()` before every read and every call), and each one is recorded on the timeline
 * at its scheduled time, in time order.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { KmsView, RamView, ServiceEnv } from '../../core/types.ts'
import type {
  AnyRecord,
  ClusterRecord,
  ClusterSnapshotRecord,
  InstanceRecord,
  ResourceType,
  SnapshotRecord,
  Transition,
} from './records.ts'

export interface AccountState {
  readonly id: string
  dnsToken: string
  subnetGroups: Map<string, { name: string; vpcId: string }>
  securityGroupIds: Set<string>
  defaultSecurityGroupId: string
  clusterParameterGroups: Map<string, { name: string; family: string }>
  parameterGroups: Map<string, { name: string; family: string }>
  clusters: Map<string, ClusterRecord>
  instances: Map<string, InstanceRecord>
  clusterSnapshots: Map<string, ClusterSnapshotRecord>
  snapshots: Map<string, SnapshotRecord>
  quotas: {
    clusters: number
    instances: number
    manualSnapshots: number
    manualClusterSnapshots: number
  }
}

export interface RdsDeps {
  readonly env: ServiceEnv
  readonly kms: KmsView
  readonly ram: RamView
}

/** The RDS world plus helpers every handler module uses. */
export class RdsStore {
  readonly env: ServiceEnv
  readonly kms: KmsView
  readonly ram: RamView
  private readonly accounts = new Map<string, AccountState>()

  constructor(deps: RdsDeps) {
    this.env = deps.env
    this.kms = deps.kms
    this.ram = deps.ram
  }

  get region(): string {
    return this.env.region
  }

  now(): number {
    return this.env.clock.now()
  }

  /** The account's state, created empty (with defaults) on first use. */
  account(id: string): AccountState {
    let state = this.accounts.get(id)
    if (!state) {
      state = {
        id,
        dnsToken: dnsTokenFor(id),
        subnetGroups: new Map([['default', { name: 'default', vpcId: `vpc-default${id}` }]]),
        securityGroupIds: new Set(),
        defaultSecurityGroupId: `sg-default${id}`,
        clusterParameterGroups: new Map(),
        parameterGroups: new Map(),
        clusters: new Map(),
        instances: new Map(),
        clusterSnapshots: new Map(),
        snapshots: new Map(),
        quotas: { clusters: 40, instances: 40, manualSnapshots: 100, manualClusterSnapshots: 100 },
      }
      state.securityGroupIds.add(state.defaultSecurityGroupId)
      this.accounts.set(id, state)
    }
    return state
  }

  accountIds(): string[] {
    return [...this.accounts.keys()]
  }

  private mapFor(record: AnyRecord): Map<string, AnyRecord> {
    const acct = this.account(record.account)
    const maps: Record<ResourceType, Map<string, AnyRecord>> = {
      'db-cluster': acct.clusters as Map<string, AnyRecord>,
      'db-instance': acct.instances as Map<string, AnyRecord>,
      'db-cluster-snapshot': acct.clusterSnapshots as Map<string, AnyRecord>,
      'db-snapshot': acct.snapshots as Map<string, AnyRecord>,
    }
    return maps[record.type]
  }

  /** Adds a new resource and records `created` plus its first status at `time`. */
  add(record: AnyRecord, time = this.now()): void {
    this.mapFor(record).set(record.identifier, record)
    this.record(record, 'created', time)
    this.record(record, record.status, time)
  }

  /** Changes a resource's identifier (the old name stops answering at once). */
  rename(record: AnyRecord, newIdentifier: string): void {
    const map = this.mapFor(record)
    map.delete(record.identifier)
    record.identifier = newIdentifier
    map.set(newIdentifier, record)
  }

  /** Removes a resource now (copy terminated, seeded cleanup) and records `deleted`. */
  remove(record: AnyRecord, time = this.now()): void {
    this.mapFor(record).delete(record.identifier)
    record.transitions = []
    this.record(record, 'deleted', time)
  }

  /** Sets the status now and replaces any scheduled transitions with `then`. */
  setStatus(record: AnyRecord, status: string, then: Transition[] = []): void {
    const time = this.now()
    record.status = status
    record.transitions = [...then]
    this.record(record, status, time)
  }

  /** Appends transitions after the ones already scheduled. */
  schedule(record: AnyRecord, transitions: Transition[]): void {
    record.transitions.push(...transitions)
  }

  /** Simulated ms `seconds` (simulated seconds) after now. */
  after(seconds: number, from = this.now()): number {
    return from + seconds * 1000
  }

  /** Applies every transition due by now, oldest first, recording each at its scheduled time. */
  settle(): void {
    const now = this.now()
    for (;;) {
      let next: AnyRecord | undefined
      for (const record of this.allRecords()) {
        const due = record.transitions[0]
        if (due && due.at <= now && (!next || due.at < (next.transitions[0]?.at ?? Infinity))) {
          next = record
        }
      }
      if (!next) return
      const transition = next.transitions.shift() as Transition
      if (transition.status === 'deleted') {
        this.remove(next, transition.at)
      } else {
        next.status = transition.status
        transition.effect?.()
        this.record(next, transition.status, transition.at)
      }
    }
  }

  private *allRecords(): Generator<AnyRecord> {
    for (const acct of this.accounts.values()) {
      yield* acct.clusters.values()
      yield* acct.instances.values()
      yield* acct.clusterSnapshots.values()
      yield* acct.snapshots.values()
    }
  }

  private record(record: AnyRecord, status: string, time: number): void {
    this.env.timeline.record({
      time,
      account: record.account,
      service: 'rds',
      resourceType: record.type,
      identifier: record.identifier,
      status,
    })
  }

  /** Records a note about a resource (e.g. a clone that became a full copy). */
  note(record: AnyRecord, status: string, time = this.now()): void {
    this.record(record, status, time)
  }

  /** The terminal status for a resource created by `operation`: a scenario failure or `available`. */
  finalStatus(operation: string, identifier: string): string {
    const failure = this.env.scenario.faults.resourceFailures?.find(
      (f) =>
        f.operation === operation && (f.identifier === undefined || f.identifier === identifier),
    )
    return failure?.status ?? 'available'
  }

  arn(type: ResourceType, account: string, identifier: string): string {
    const kind = {
      'db-cluster': 'cluster',
      'db-instance': 'db',
      'db-cluster-snapshot': 'cluster-snapshot',
      'db-snapshot': 'snapshot',
    }[type]
    return `arn:aws:rds:${this.region}:${account}:${kind}:${identifier}`
  }

  arnOf(record: AnyRecord): string {
    return this.arn(record.type, record.account, record.identifier)
  }

  /** Manual snapshots of one kind: DB snapshots and DB cluster snapshots have separate quotas. */
  manualSnapshotCount(account: string, type: 'db-snapshot' | 'db-cluster-snapshot'): number {
    const acct = this.account(account)
    const snapshots = type === 'db-snapshot' ? acct.snapshots : acct.clusterSnapshots
    return [...snapshots.values()].filter((s) => s.snapshotType === 'manual').length
  }

  /** A Secrets Manager secret ARN for an RDS-managed master password. */
  secretArn(account: string, kind: 'cluster' | 'db'): string {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 6)
    return `arn:aws:secretsmanager:${this.region}:${account}:secret:rds!${kind}-${randomUUID()}-${suffix}`
  }

  /** The account's AWS-managed `aws/secretsmanager` key (deterministic, outside KmsView). */
  secretsManagerKeyArn(account: string): string {
    const id = createHash('sha256').update(`aws/secretsmanager:${account}`).digest('hex')
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`
    return `arn:aws:kms:${this.region}:${account}:key/${uuid}`
  }
}

/** A stable 12-character token per account, like AWS's customer DNS identifier. */
function dnsTokenFor(account: string): string {
  return createHash('sha256').update(`dns:${account}`).digest('hex').slice(0, 12)
}

/** Fingerprint of a password so nothing readable is ever kept. */
export function fingerprint(password: string): string {
  return createHash('sha256').update(password).digest('hex')
}
