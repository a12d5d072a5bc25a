/**
 * Builders for the clone unit tests: a RefreshContext whose two accounts have their own mocked
 * RDS, RAM and KMS clients, settings with every input at its default, and a recording runtime.
 */
import { GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms'
import { RAMClient } from '@aws-sdk/client-ram'
import { RDSClient, type DBCluster } from '@aws-sdk/client-rds'
import { STSClient } from '@aws-sdk/client-sts'
import { mockClient, type AwsStub } from 'aws-sdk-client-mock'
import type { AccountSession } from '../src/credentials.js'
import type { CreatedResource, StepRuntime } from '../src/engine/types.js'
import { refreshValues, type RefreshContext } from '../src/methods/common/context.js'
import type { SourceDatabase } from '../src/methods/common/detect.js'
import { runNames } from '../src/names.js'
import type { CopyMethod } from '../src/result.js'
import type { Settings } from '../src/settings.js'
import { testSettings } from '../__fixtures__/settings.js'

export const SOURCE_ACCOUNT = '111111111111'
export const STAGING_ACCOUNT = '222222222222'
export const SOURCE_ARN = `arn:aws:rds:us-east-1:${SOURCE_ACCOUNT}:cluster:prod-aurora`
export const SOURCE_KEY = `arn:aws:kms:us-east-1:${SOURCE_ACCOUNT}:key/1111aaaa-0000-0000-0000-000000000001`
export const STAGING_KEY = `arn:aws:kms:us-east-1:${STAGING_ACCOUNT}:key/2222bbbb-0000-0000-0000-000000000002`

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stubs' generics differ per client
type Stub = AwsStub<any, any, any>

export interface MockedAccount {
  readonly session: AccountSession
  readonly rds: Stub
  readonly ram: Stub
  readonly kms: Stub
}

/** One account whose clients answer from aws-sdk-client-mock stubs (nothing leaves the process). */
export function mockAccount(accountId: string, role: 'source' | 'destination'): MockedAccount {
  const options = {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials,
    maxAttempts: 1,
  }
  const clients = {
    rds: new RDSClient(options),
    ram: new RAMClient(options),
    kms: new KMSClient(options),
    sts: new STSClient(options),
  }
  return {
    session: { role, accountId, callerArn: `arn:aws:sts::${accountId}:assumed-role/r/s`, clients },
    rds: mockClient(clients.rds),
    ram: mockClient(clients.ram),
    kms: mockClient(clients.kms),
  }
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return testSettings({
    source: { identifier: 'prod-aurora' },
    target: 'pr-123',
    ...overrides,
  })
}

export function sourceCluster(overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: 'prod-aurora',
    DBClusterArn: SOURCE_ARN,
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    Status: 'available',
    StorageEncrypted: true,
    KmsKeyId: SOURCE_KEY,
    CloneGroupId: 'clone-group-1',
    DBClusterMembers: [
      { DBInstanceIdentifier: 'prod-aurora-1', IsClusterWriter: true },
      { DBInstanceIdentifier: 'prod-aurora-2', IsClusterWriter: false },
    ],
    ...overrides,
  }
}

export function sourceDb(cluster: DBCluster = sourceCluster()): SourceDatabase {
  return {
    kind: 'aurora-cluster',
    identifier: cluster.DBClusterIdentifier ?? '',
    arn: cluster.DBClusterArn ?? '',
    engine: cluster.Engine ?? '',
    engineVersion: cluster.EngineVersion ?? '',
    status: cluster.Status ?? '',
    encrypted: cluster.StorageEncrypted ?? false,
    kmsKeyArn: cluster.KmsKeyId,
    cluster,
    writerInstanceClass: 'db.r6g.large',
  }
}

/** A source key policy that lets `account` use the key through RDS (aws-reference A6). */
export function keyPolicyAllowing(account: string, actions = ['kms:*']): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` },
        Action: 'kms:*',
      },
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: actions },
    ],
  })
}

export interface World {
  readonly source: MockedAccount
  readonly destination: MockedAccount
  readonly ctx: RefreshContext
}

/** A context for cross-account (default) or same-account runs. */
export function world(
  options: {
    sameAccount?: boolean
    settings?: Partial<Settings>
    cluster?: DBCluster
    method?: CopyMethod
  } = {},
): World {
  const source = mockAccount(SOURCE_ACCOUNT, 'source')
  const destination = options.sameAccount ? source : mockAccount(STAGING_ACCOUNT, 'destination')
  source.kms.on(GetKeyPolicyCommand).resolves({ Policy: keyPolicyAllowing(STAGING_ACCOUNT) })
  const s = settings({
    kmsKeyId: options.sameAccount ? undefined : STAGING_KEY,
    ...options.settings,
  })
  const ctx: RefreshContext = {
    settings: s,
    source: source.session,
    destination: options.sameAccount
      ? { ...source.session, role: 'destination' }
      : destination.session,
    sameAccount: options.sameAccount ?? false,
    sourceDb: sourceDb(options.cluster),
    method: options.method ?? 'clone',
    names: runNames(s.target ?? 'pr-123', s.run),
    tags: [
      { Key: 'rds-refresh:managed', Value: 'true' },
      { Key: 'rds-refresh:source', Value: SOURCE_ARN },
    ],
    copyKind: 'cluster',
    values: refreshValues(s),
  }
  return { source, destination, ctx }
}

export interface RecordingRuntime extends StepRuntime {
  readonly infos: string[]
  readonly warnings: string[]
  readonly recorded: CreatedResource[]
  readonly notes: string[]
}

export function runtime(name = 'test-step'): RecordingRuntime {
  const infos: string[] = []
  const warnings: string[] = []
  const recorded: CreatedResource[] = []
  const notes: string[] = []
  return {
    name,
    log: { info: (m) => infos.push(m), warning: (m) => warnings.push(m), debug: () => undefined },
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    record: (r) => recorded.push(r),
    release: () => undefined,
    note: (t) => notes.push(t),
    infos,
    warnings,
    recorded,
    notes,
  }
}

/** An SDK-shaped service error (what the SDK throws for a modelled or unmodelled AWS error). */
export function awsError(name: string, message = `${name} from AWS`, status = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  })
}
