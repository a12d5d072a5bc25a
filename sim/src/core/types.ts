/**
 * The contract between the simulator's transport (server, protocols, identity, faults) and its
 * services' resource semantics (RDS, KMS, RAM state). Handlers never see HTTP; the transport never
 * knows what a DB cluster is.
 *
 * Imports inside sim/ use explicit `.ts` extensions: the CLI runs on Node 24's type stripping, so
 * only erasable TypeScript (no enums, no parameter properties, no namespaces) is allowed here.
 */

import type { NamedPolicy } from '../iam/policy.ts'

export type ServiceName = 'rds' | 'sts' | 'kms' | 'ram'

/** An error as AWS answers it: `code` is the wire code (e.g. `DBSnapshotNotFound`, not the shape name). */
export class AwsError extends Error {
  readonly code: string
  readonly status: number
  constructor(code: string, message: string, status = 400) {
    super(message)
    this.name = code
    this.code = code
    this.status = status
  }
}

/** Simulated time. Milliseconds since the epoch, running `scale` times faster than real time. */
export interface Clock {
  /** Current simulated time (ms since epoch). */
  now(): number
  /** How many simulated seconds pass per real second. */
  readonly scale: number
  /** Simulated seconds → real milliseconds (for timers and credential expiry in real time). */
  toRealMs(simSeconds: number): number
}

/** One line of the per-request log that tests assert on. */
export interface RequestLogEntry {
  readonly seq: number
  readonly time: number // simulated ms
  readonly service: ServiceName | 'oidc' | 'github'
  readonly operation: string
  readonly account?: string
  readonly accessKeyId?: string
  /** The caller's user agent (`x-amz-user-agent`, else `user-agent`), as CloudTrail logs it. */
  readonly userAgent?: string
  readonly input: Readonly<Record<string, unknown>>
  /** Wire error code when the call failed, else undefined. */
  errorCode?: string
  /** Which fault, if any, produced the error. */
  fault?: 'throttle' | 'internal' | 'injected' | NetworkFaultKind
  /** Real ms timestamps, for overlap checks. */
  readonly startedAt: number
  endedAt?: number
}

/** One state change of a resource, on the simulated timeline. */
export interface TimelineEvent {
  readonly time: number // simulated ms
  readonly account: string
  readonly service: ServiceName
  /** e.g. `db-cluster`, `db-instance`, `db-snapshot`, `db-cluster-snapshot`, `resource-share`. */
  readonly resourceType: string
  readonly identifier: string
  /** New status, or `created` / `deleted`. */
  readonly status: string
}

/** Append-only timeline, readable by tests ("the temporary instance's deletion overlapped the copy"). */
export interface Timeline {
  record(event: TimelineEvent): void
  readonly events: readonly TimelineEvent[]
}

/** Everything a handler gets for one validated call. */
export interface CallContext {
  readonly service: ServiceName
  readonly operation: string
  /** The caller's account id (resolved from the SigV4 access key). */
  readonly account: string
  /** The caller's principal ARN (assumed-role ARN or static user ARN). */
  readonly principalArn: string
  /** The access key that signed the request (absent for unsigned calls such as web identity). */
  readonly accessKeyId?: string
  /** The caller's unique id (`AROA…:session` or `AIDA…`), as GetCallerIdentity answers it. */
  readonly userId?: string
  readonly region: string
  /**
   * The decoded request, shaped by the AWS model: numbers are numbers, booleans are booleans,
   * lists are arrays, structures are objects, member names exactly as in the model
   * (`DBClusterIdentifier`, `VpcSecurityGroupIds`, `Tags: [{Key, Value}]`). Already validated:
   * unknown members, missing required members and bad enum values never reach a handler.
   */
  readonly input: Readonly<Record<string, unknown>>
  readonly requestId: string
  readonly world: World
}

/**
 * A handler returns the operation's output structure (member names as in the model's output
 * shape, e.g. `{ DBCluster: {...} }`), or throws AwsError. The transport serialises it.
 */
export type OperationHandler = (
  ctx: CallContext,
) => Record<string, unknown> | Promise<Record<string, unknown>>

export type ServiceHandlers = Readonly<Record<string, OperationHandler>>

/** What RDS needs to know of KMS. */
export interface KmsView {
  /**
   * Resolve a key id, key ARN, alias name (`alias/x`, caller's account) or alias ARN to a key.
   * An id or alias name is looked up in `callerAccount`.
   */
  resolveKey(callerAccount: string, keyRef: string): KeyInfo | undefined
  /** Whether `account` may use the key for RDS encryption (same account, or granted by key policy). */
  canUse(account: string, keyArn: string): boolean
  /** The account's AWS-managed `aws/rds` key, created on first use. */
  awsManagedRdsKey(account: string): KeyInfo
  /**
   * Whether the caller also needs an identity policy for `action` on the key: true unless the key
   * policy grants every principal directly (the AWS-managed key); a customer key's policy names
   * account roots, which delegates to the account's IAM policies (aws-reference H).
   */
  delegatesToIdentity(account: string, keyArn: string, action: string, viaRds: boolean): boolean
}

export interface KeyInfo {
  readonly arn: string
  readonly keyId: string
  readonly account: string
  readonly manager: 'AWS' | 'CUSTOMER'
  readonly enabled: boolean
}

/** What RDS needs to know of RAM. */
export interface RamView {
  /** True when `resourceArn` is in an ACTIVE share with `account`, accepted where an invitation exists. */
  isSharedWith(resourceArn: string, account: string): boolean
  /** Tags of an existing resource share, for IAM's `aws:ResourceTag`; undefined when none. */
  tagsOf(shareArn: string): Readonly<Record<string, string>> | undefined
}

export interface AccountInfo {
  readonly id: string
  readonly name: string
  /** AWS Organization id; sharing within one organization needs no invitation. */
  readonly organizationId?: string
}

/** Resource state of the whole simulated region, shared by all services. */
export interface World {
  readonly region: string
  readonly clock: Clock
  readonly timeline: Timeline
  readonly accounts: ReadonlyMap<string, AccountInfo>
  readonly kms: KmsView
  readonly ram: RamView
  /** Scenario settings (durations, resource failures), see scenario.ts. */
  readonly scenario: Scenario
}

/** How long things take, in simulated seconds. Keys name the transition. */
export interface Durations {
  clusterCreate: number // restore / clone / create cluster → available
  clusterClone: number // copy-on-write clone → available
  clusterFullCopy: number // RestoreType=full-copy / PITR → available
  clusterRestoreFromSnapshot: number
  clusterDelete: number
  clusterModify: number // modifying / renaming / resetting-master-credentials → available
  instanceCreate: number
  instanceRestore: number
  instanceDelete: number
  instanceModify: number
  clusterSnapshotCreate: number // creating → available
  clusterSnapshotCopy: number // copying → available (PercentProgress moves 0→100)
  snapshotCreate: number
  snapshotCopy: number
  snapshotDelete: number
  shareActivate: number // RAM share PENDING → ACTIVE
  /** After a rename, how long the name left still answers with the resource as it was. */
  renameStale?: number
}

/** A resource that ends in a failure state instead of `available`. */
export interface ResourceFailure {
  /** Operation whose created resource fails, e.g. `RestoreDBClusterToPointInTime`. */
  readonly operation: string
  /** Optional: only resources whose identifier matches. */
  readonly identifier?: string
  /** The terminal status, e.g. `incompatible-restore`, `inaccessible-encryption-credentials`. */
  readonly status: string
}

export interface Faults {
  /**
   * RDS-style token bucket per account: `ratePerSecond` refill, `burst` capacity. It refills in
   * real time unless `time` is `simulated` (then per simulated second, so that polling scaled by
   * `clockScale` meets the bucket at the rate it would meet AWS's).
   */
  readonly throttle?: {
    readonly ratePerSecond: number
    readonly burst: number
    readonly time?: 'real' | 'simulated'
  }
  /** Probability (0-1) that any call answers HTTP 500 `InternalFailure`. Seeded, repeatable. */
  readonly internalErrorRate?: number
  /** A named call failing with a named error, `times` times (default: always). */
  readonly failCalls?: readonly {
    readonly operation: string
    readonly code: string
    readonly message?: string
    readonly status?: number
    readonly times?: number
    readonly account?: string
    /** Only requests whose input has these member values (e.g. one rename's NewDBClusterIdentifier). */
    readonly input?: Readonly<Record<string, string | number | boolean>>
  }[]
  readonly resourceFailures?: readonly ResourceFailure[]
  /**
   * Failures of the network rather than of AWS: a call that is never answered, or whose answer
   * is lost after AWS acted on it. `operation` may be `GetIdToken` (service `oidc`) for the OIDC
   * token endpoint. Matched in order, each `times` times (default: always).
   */
  readonly networkFaults?: readonly NetworkFault[]
  /** Seed for random faults. */
  readonly seed?: number
}

/**
 * - `hang`: the request is read and logged, never handled and never answered (the connection
 *   stays open until the simulator closes): an endpoint that accepts connections but never replies.
 * - `lose-answer`: the handler runs (the change happens), then the answer is replaced by HTTP 500
 *   `InternalFailure`, as when AWS acted but its answer failed on the way.
 * - `reset-after`: the handler runs, then the connection is destroyed without an answer.
 * - `delay`: the handler runs, and the answer is sent `delayMs` real milliseconds later.
 */
export type NetworkFaultKind = 'hang' | 'lose-answer' | 'reset-after' | 'delay'

export interface NetworkFault {
  readonly kind: NetworkFaultKind
  readonly operation: string
  readonly account?: string
  readonly times?: number
  /** For `delay`: real milliseconds before the answer goes out. */
  readonly delayMs?: number
}

export interface Scenario {
  readonly durations: Durations
  readonly faults: Faults
  /** Simulated seconds per real second for resource durations (e.g. 600: 10 min take 1 s). */
  readonly clockScale: number
  /**
   * Session credentials and OIDC tokens live `DurationSeconds / credentialTimeScale` REAL seconds
   * (default 1: an hour is an hour). STS returns `Expiration` in real time, so the SDK's own
   * refresh logic sees what the simulator enforces. Tests raise it to make sessions expire mid-run.
   */
  readonly credentialTimeScale: number
  /**
   * Whether a Multi-AZ DB cluster snapshot can be shared, an UNCONFIRMED AWS behaviour
   * (aws-reference B): `refused` (the seed's blog, default), `share` (shareable, restore of the
   * shared encrypted snapshot still refused, copy refused), `share-and-restore` (the destination may
   * also restore a Multi-AZ DB cluster straight from it with its own KmsKeyId; copy refused).
   */
  readonly multiAzSnapshotSharing: MultiAzSnapshotSharing
}

export type MultiAzSnapshotSharing = 'refused' | 'share' | 'share-and-restore'

/** What every service factory gets from the simulator. */
export interface ServiceEnv {
  readonly region: string
  readonly clock: Clock
  readonly timeline: Timeline
  readonly accounts: ReadonlyMap<string, AccountInfo>
  readonly scenario: Scenario
}

/** A role that GitHub's OIDC token may assume (STS AssumeRoleWithWebIdentity). */
export interface RoleFixture {
  /** Role name; the ARN is `arn:aws:iam::<account>:role/<name>`. */
  readonly name: string
  /** Trust policy, reduced: allowed `aud` and a glob on `sub` (e.g. `repo:acme/app:*`). */
  readonly audience?: string
  readonly subjectPattern?: string
  /** Longest session the role allows (seconds), as IAM's MaxSessionDuration. Default 3600. */
  readonly maxSessionDuration?: number
  /**
   * Identity policies attached to the role, evaluated on every call its sessions make
   * (sim/src/iam). Absent: the role may do anything, as before IAM was modelled.
   */
  readonly policies?: readonly NamedPolicy[]
}

export interface AccountFixture {
  readonly id: string
  readonly name: string
  readonly organizationId?: string
  readonly roles?: readonly RoleFixture[]
  /** Long-lived keys bound to this account (ambient credentials in tests and the demo). */
  readonly staticCredentials?: readonly {
    readonly accessKeyId: string
    readonly secretAccessKey: string
  }[]
}

/**
 * A whole simulated world: accounts (identity, owned by the transport side) and resources
 * (owned by the services side; see sim/src/services/fixture.ts for ResourceFixture).
 */
export interface Fixture<R = unknown> {
  readonly region: string
  readonly accounts: readonly AccountFixture[]
  readonly resources: R
}
