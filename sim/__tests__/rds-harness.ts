/**
 * Test harness for the RDS handlers: a manual simulated clock, a recording timeline, and small
 * fake KmsView / RamView that follow the documented KMS/RAM semantics (key policy allow-list,
 * AWS-managed aws/rds key usable only by its owner; shares per resource ARN and account).
 */
import { expect } from '@jest/globals'
import { AwsError } from '../src/core/types.ts'
import type {
  CallContext,
  Durations,
  KeyInfo,
  KmsView,
  RamView,
  ResourceFailure,
  ServiceEnv,
  TimelineEvent,
  World,
} from '../src/core/types.ts'
import { productionFixture, REGION } from '../fixtures/production.ts'
import type { KmsKeyFixture } from '../src/services/fixture.ts'
import { createRds } from '../src/services/rds/index.ts'
import type { Rds } from '../src/services/rds/index.ts'
import type { RdsFixture } from '../src/services/rds/fixture.ts'

export const T0 = Date.UTC(2026, 10, 22, 0, 0, 0)

export const DURATIONS: Durations = {
  clusterCreate: 600,
  clusterClone: 300,
  clusterFullCopy: 3600,
  clusterRestoreFromSnapshot: 1800,
  clusterDelete: 300,
  clusterModify: 60,
  instanceCreate: 600,
  instanceRestore: 900,
  instanceDelete: 300,
  instanceModify: 120,
  clusterSnapshotCreate: 300,
  clusterSnapshotCopy: 1000,
  snapshotCreate: 300,
  snapshotCopy: 1000,
  snapshotDelete: 30,
  shareActivate: 10,
}

interface FakeKey extends KeyInfo {
  readonly alias?: string
  readonly allow: readonly string[]
}

/** KMS as RDS sees it: the owner and the accounts in the key policy may use a key. */
export class FakeKms implements KmsView {
  readonly keys: FakeKey[] = []
  private seq = 0

  delegatesToIdentity(): boolean {
    return true
  }

  seed(fixtures: readonly KmsKeyFixture[]): void {
    for (const f of fixtures) {
      const keyId = f.keyId ?? `fake-key-${++this.seq}`
      this.keys.push({
        arn: `arn:aws:kms:${REGION}:${f.account}:key/${keyId}`,
        keyId,
        account: f.account,
        manager: 'CUSTOMER',
        enabled: f.enabled ?? true,
        alias: f.alias,
        allow: f.allowAccounts ?? [],
      })
    }
  }

  resolveKey(callerAccount: string, keyRef: string): KeyInfo | undefined {
    const alias = /^arn:aws:kms:[^:]+:(\d{12}):alias\/(.+)$/.exec(keyRef)
    if (alias) return this.keys.find((k) => k.account === alias[1] && k.alias === alias[2])
    if (keyRef.startsWith('arn:')) return this.keys.find((k) => k.arn === keyRef)
    if (keyRef.startsWith('alias/')) {
      if (keyRef === 'alias/aws/rds') return this.awsManagedRdsKey(callerAccount)
      return this.keys.find((k) => k.account === callerAccount && k.alias === keyRef.slice(6))
    }
    return this.keys.find((k) => k.account === callerAccount && k.keyId === keyRef)
  }

  canUse(account: string, keyArn: string): boolean {
    const key = this.keys.find((k) => k.arn === keyArn)
    if (!key || !key.enabled) return false
    return key.account === account || (key.manager === 'CUSTOMER' && key.allow.includes(account))
  }

  awsManagedRdsKey(account: string): KeyInfo {
    const existing = this.keys.find((k) => k.account === account && k.alias === 'aws/rds')
    if (existing) return existing
    const keyId = `aws-rds-${account}`
    const key: FakeKey = {
      arn: `arn:aws:kms:${REGION}:${account}:key/${keyId}`,
      keyId,
      account,
      manager: 'AWS',
      enabled: true,
      alias: 'aws/rds',
      allow: [],
    }
    this.keys.push(key)
    return key
  }
}

/** RAM as RDS sees it: an ARN shared with an account, or not. */
export class FakeRam implements RamView {
  private readonly shares = new Set<string>()
  share(arn: string, account: string): void {
    this.shares.add(`${arn}|${account}`)
  }
  isSharedWith(resourceArn: string, account: string): boolean {
    return this.shares.has(`${resourceArn}|${account}`)
  }
  tagsOf(): undefined {
    return undefined
  }
}

export interface HarnessOptions {
  readonly resourceFailures?: readonly ResourceFailure[]
  /** Replace the production RDS fixture. */
  readonly rds?: RdsFixture
}

export interface Harness {
  readonly rds: Rds
  readonly kms: FakeKms
  readonly ram: FakeRam
  readonly events: TimelineEvent[]
  /** Current simulated time (ms). */
  now(): number
  /** Moves simulated time forward. */
  advance(seconds: number): void
  /** Calls an RDS operation as `account`. */
  call(
    account: string,
    operation: string,
    input?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>
  /** Timeline events of one resource as `status@secondsSinceT0`. */
  history(identifier: string, type?: string): string[]
}

export function harness(options: HarnessOptions = {}): Harness {
  let time = T0
  const events: TimelineEvent[] = []
  const fixture = productionFixture()
  const env: ServiceEnv = {
    region: REGION,
    clock: { now: () => time, scale: 1, toRealMs: (s) => s * 1000 },
    timeline: { record: (e) => void events.push(e), events },
    accounts: new Map(
      fixture.accounts.map((a) => [
        a.id,
        { id: a.id, name: a.name, organizationId: a.organizationId },
      ]),
    ),
    scenario: {
      durations: DURATIONS,
      faults: { resourceFailures: options.resourceFailures },
      clockScale: 1,
      credentialTimeScale: 1,
      multiAzSnapshotSharing: 'refused',
    },
  }
  const kms = new FakeKms()
  kms.seed(fixture.resources.kmsKeys ?? [])
  const ram = new FakeRam()
  const rds = createRds({ env, kms, ram })
  rds.seed(options.rds ?? (fixture.resources.rds as RdsFixture))
  let requests = 0
  return {
    rds,
    kms,
    ram,
    events,
    now: () => time,
    advance: (seconds) => {
      time += seconds * 1000
    },
    async call(account, operation, input = {}) {
      const handler = rds.handlers[operation]
      if (!handler) throw new Error(`no handler for ${operation}`)
      const ctx: CallContext = {
        service: 'rds',
        operation,
        account,
        principalArn: `arn:aws:iam::${account}:user/test`,
        region: REGION,
        input,
        requestId: `req-${++requests}`,
        world: {} as World,
      }
      return handler(ctx)
    },
    history(identifier, type) {
      return events
        .filter((e) => e.identifier === identifier && (!type || e.resourceType === type))
        .map((e) => `${e.status}@${(e.time - T0) / 1000}`)
    },
  }
}

/** Asserts that a call fails with AWS's wire code, HTTP status and (part of) its message. */
export async function expectAwsError(
  promise: Promise<unknown>,
  code: string,
  status: number,
  message?: string | RegExp,
): Promise<AwsError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(AwsError)
  const error = caught as AwsError
  expect({ code: error.code, status: error.status }).toEqual({ code, status })
  if (typeof message === 'string') expect(error.message).toBe(message)
  else if (message) expect(error.message).toMatch(message)
  return error
}

/** Shorthand to read one cluster / instance / snapshot. */
export async function cluster(
  h: Harness,
  account: string,
  id: string,
): Promise<Record<string, unknown>> {
  const out = await h.call(account, 'DescribeDBClusters', { DBClusterIdentifier: id })
  return (out.DBClusters as Record<string, unknown>[])[0] as Record<string, unknown>
}

export async function instance(
  h: Harness,
  account: string,
  id: string,
): Promise<Record<string, unknown>> {
  const out = await h.call(account, 'DescribeDBInstances', { DBInstanceIdentifier: id })
  return (out.DBInstances as Record<string, unknown>[])[0] as Record<string, unknown>
}
