/**
 * A small in-memory RDS/KMS for the relay's unit tests: two accounts, resources that are
 * available (or gone) as soon as they are created (or deleted), snapshot sharing by ARN, and
 * a log of every call. Behind aws-sdk-client-mock, so the plans run unchanged through runPlan.
 */
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSubnetGroupsCommand,
  ModifyDBClusterCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBInstanceCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
  type Tag,
} from '@aws-sdk/client-rds'
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms'
import { RAMClient } from '@aws-sdk/client-ram'
import { STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import type { AccountSession } from '../src/credentials.js'
import { runPlan, type PlanResult } from '../src/engine/engine.js'
import { Ledger } from '../src/engine/ledger.js'
import type { AccountSide } from '../src/engine/types.js'
import { refreshValues, type RefreshContext } from '../src/methods/common/context.js'
import { detectSource, type SourceDatabase } from '../src/methods/common/detect.js'
import { runNames } from '../src/names.js'
import { runIdOf } from '../src/tags.js'
import type { Settings } from '../src/settings.js'
import { testSettings as baseSettings } from '../__fixtures__/settings.js'

export const REGION = 'us-east-1'
export const PROD = '111111111111'
export const STAGING = '222222222222'
export const PROD_KEY = `arn:aws:kms:${REGION}:${PROD}:key/prod-cmk`
export const PROD_AWS_KEY = `arn:aws:kms:${REGION}:${PROD}:key/aws-rds`
export const STAGING_KEY = `arn:aws:kms:${REGION}:${STAGING}:key/staging-cmk`

export interface Call {
  readonly account: string
  readonly op: string
  readonly input: Record<string, unknown>
}

interface AccountState {
  clusters: Map<string, DBCluster>
  instances: Map<string, DBInstance>
  snapshots: Map<string, DBSnapshot & { shared: Set<string> }>
  clusterSnapshots: Map<string, DBClusterSnapshot & { shared: Set<string> }>
  subnetGroups: Set<string>
  clusterParameterGroups: Set<string>
  parameterGroups: Set<string>
}

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })
}

/** The tags a create call asked for, as describes return them. */
const tagsOf = (input: Record<string, unknown>): Tag[] => [...((input.Tags as Tag[]) ?? [])]

const arn = (account: string, type: string, id: string): string =>
  `arn:aws:rds:${REGION}:${account}:${type}:${id}`

/** Keys: the owner can use its keys; PROD_KEY is also usable by STAGING unless `lockKey`. */
export interface KeyRules {
  lockKey?: boolean
  /** The key policy lets the destination describe the key, but not use it through RDS. */
  describeOnly?: boolean
}

export class FakeWorld {
  readonly calls: Call[] = []
  readonly accounts = new Map<string, AccountState>()
  readonly keyRules: KeyRules = {}
  /** Make a call fail once: `${account}:${op}` → error. */
  readonly failures = new Map<string, Error>()

  state(account: string): AccountState {
    let s = this.accounts.get(account)
    if (!s) {
      s = {
        clusters: new Map(),
        instances: new Map(),
        snapshots: new Map(),
        clusterSnapshots: new Map(),
        subnetGroups: new Set(),
        clusterParameterGroups: new Set(),
        parameterGroups: new Set(),
      }
      this.accounts.set(account, s)
    }
    return s
  }

  ops(account?: string): string[] {
    return this.calls.filter((c) => !account || c.account === account).map((c) => c.op)
  }

  call(op: string, account?: string): Call | undefined {
    return this.calls.find((c) => c.op === op && (!account || c.account === account))
  }

  /** Everything left in an account, for "only the copy remains" assertions. */
  inventory(account: string): Record<string, string[]> {
    const s = this.state(account)
    return {
      clusters: [...s.clusters.keys()],
      instances: [...s.instances.keys()],
      snapshots: [...s.snapshots.keys()],
      clusterSnapshots: [...s.clusterSnapshots.keys()],
      shares: [
        ...[...s.snapshots.values()].flatMap((x) =>
          [...x.shared].map((a) => `${x.DBSnapshotIdentifier}→${a}`),
        ),
        ...[...s.clusterSnapshots.values()].flatMap((x) =>
          [...x.shared].map((a) => `${x.DBClusterSnapshotIdentifier}→${a}`),
        ),
      ],
    }
  }

  session(account: string, side: AccountSide): AccountSession {
    const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }
    const rds = new RDSClient({ region: REGION, credentials, endpoint: 'http://127.0.0.1:9' })
    const kms = new KMSClient({ region: REGION, credentials, endpoint: 'http://127.0.0.1:9' })
    this.mockRds(rds, account)
    this.mockKms(kms, account)
    return {
      role: side,
      accountId: account,
      callerArn: `arn:aws:sts::${account}:assumed-role/rds-refresh/test`,
      clients: {
        rds,
        kms,
        ram: new RAMClient({ region: REGION, credentials, endpoint: 'http://127.0.0.1:9' }),
        sts: new STSClient({ region: REGION, credentials, endpoint: 'http://127.0.0.1:9' }),
      },
    }
  }

  /** A snapshot by identifier (own account) or ARN (own, or shared with the caller). */
  private findSnapshotFor<T extends { shared: Set<string> }>(
    account: string,
    id: string,
    pick: (s: AccountState) => Map<string, T>,
  ): T | undefined {
    if (!id.startsWith('arn:')) return pick(this.state(account)).get(id)
    const owner = id.split(':')[4] ?? ''
    const found = pick(this.state(owner)).get(id.split(':').slice(6).join(':'))
    if (!found) return undefined
    return owner === account || found.shared.has(account) ? found : undefined
  }

  private mockRds(client: RDSClient, account: string): void {
    const mock = mockClient(client)
    const s = this.state(account)
    const on = (command: { name: string }, fn: (input: Record<string, unknown>) => unknown) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      mock.on(command as any).callsFake(async (input: Record<string, unknown>) => {
        this.calls.push({ account, op: command.name.replace(/Command$/, ''), input })
        const failure = this.failures.get(`${account}:${command.name.replace(/Command$/, '')}`)
        if (failure) {
          this.failures.delete(`${account}:${command.name.replace(/Command$/, '')}`)
          throw failure
        }
        return fn(input)
      })
    }
    const str = (v: unknown): string => String(v ?? '')

    on(DescribeDBClustersCommand, (i) => {
      const id = str(i.DBClusterIdentifier).split(':').pop() ?? ''
      const c = s.clusters.get(id)
      if (!c) throw awsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404)
      return { DBClusters: [c] }
    })
    on(DescribeDBInstancesCommand, (i) => {
      const id = str(i.DBInstanceIdentifier)
      const x = s.instances.get(id)
      if (!x) throw awsError('DBInstanceNotFoundFault', `DBInstance ${id} not found.`, 404)
      return { DBInstances: [x] }
    })
    on(DescribeDBSnapshotsCommand, (i) => {
      if (!i.DBSnapshotIdentifier) return { DBSnapshots: [...s.snapshots.values()] }
      const x = this.findSnapshotFor(account, str(i.DBSnapshotIdentifier), (a) => a.snapshots)
      if (!x)
        throw awsError(
          'DBSnapshotNotFoundFault',
          `DBSnapshot not found: ${str(i.DBSnapshotIdentifier)}`,
          404,
        )
      return { DBSnapshots: [x] }
    })
    on(DescribeDBClusterSnapshotsCommand, (i) => {
      if (!i.DBClusterSnapshotIdentifier)
        return { DBClusterSnapshots: [...s.clusterSnapshots.values()] }
      const x = this.findSnapshotFor(
        account,
        str(i.DBClusterSnapshotIdentifier),
        (a) => a.clusterSnapshots,
      )
      if (!x) throw awsError('DBClusterSnapshotNotFoundFault', 'DBClusterSnapshot not found', 404)
      return { DBClusterSnapshots: [x] }
    })
    on(DescribeDBSubnetGroupsCommand, (i) => {
      if (!s.subnetGroups.has(str(i.DBSubnetGroupName))) {
        throw awsError(
          'DBSubnetGroupNotFoundFault',
          `DB subnet group '${str(i.DBSubnetGroupName)}' not found.`,
          404,
        )
      }
      return { DBSubnetGroups: [{ DBSubnetGroupName: str(i.DBSubnetGroupName) }] }
    })
    on(DescribeDBClusterParameterGroupsCommand, (i) => {
      if (!s.clusterParameterGroups.has(str(i.DBClusterParameterGroupName))) {
        throw awsError('DBParameterGroupNotFound', 'DBClusterParameterGroup not found', 404)
      }
      return { DBClusterParameterGroups: [{}] }
    })
    on(DescribeDBParameterGroupsCommand, (i) => {
      if (!s.parameterGroups.has(str(i.DBParameterGroupName))) {
        throw awsError('DBParameterGroupNotFound', 'DBParameterGroup not found', 404)
      }
      return { DBParameterGroups: [{}] }
    })
    on(CreateDBClusterSnapshotCommand, (i) => {
      const cluster = s.clusters.get(str(i.DBClusterIdentifier))
      if (!cluster) throw awsError('DBClusterNotFoundFault', 'not found', 404)
      const id = str(i.DBClusterSnapshotIdentifier)
      s.clusterSnapshots.set(id, {
        DBClusterSnapshotIdentifier: id,
        DBClusterSnapshotArn: arn(account, 'cluster-snapshot', id),
        DBClusterIdentifier: cluster.DBClusterIdentifier,
        Engine: cluster.Engine,
        EngineVersion: cluster.EngineVersion,
        StorageEncrypted: cluster.StorageEncrypted,
        KmsKeyId: cluster.KmsKeyId,
        AllocatedStorage: cluster.AllocatedStorage,
        StorageType: cluster.StorageType,
        Status: 'available',
        SnapshotType: 'manual',
        TagList: tagsOf(i),
        shared: new Set(),
      })
      return {}
    })
    on(CreateDBSnapshotCommand, (i) => {
      const instance = s.instances.get(str(i.DBInstanceIdentifier))
      if (!instance) throw awsError('DBInstanceNotFoundFault', 'not found', 404)
      const id = str(i.DBSnapshotIdentifier)
      s.snapshots.set(id, {
        DBSnapshotIdentifier: id,
        DBSnapshotArn: arn(account, 'snapshot', id),
        DBInstanceIdentifier: instance.DBInstanceIdentifier,
        Engine: instance.Engine,
        EngineVersion: instance.EngineVersion,
        Encrypted: instance.StorageEncrypted,
        KmsKeyId: instance.KmsKeyId,
        AllocatedStorage: instance.AllocatedStorage,
        StorageType: instance.StorageType,
        Iops: instance.Iops,
        Status: 'available',
        SnapshotType: 'manual',
        TagList: tagsOf(i),
        shared: new Set(),
      })
      return {}
    })
    on(RestoreDBInstanceFromDBSnapshotCommand, (i) => {
      const id = str(i.DBInstanceIdentifier)
      const from = i.DBClusterSnapshotIdentifier
        ? s.clusterSnapshots.get(str(i.DBClusterSnapshotIdentifier))
        : this.findSnapshotFor(account, str(i.DBSnapshotIdentifier), (a) => a.snapshots)
      if (!from) throw awsError('DBSnapshotNotFound', 'snapshot not found', 404)
      s.instances.set(id, {
        DBInstanceIdentifier: id,
        DBInstanceArn: arn(account, 'db', id),
        DBInstanceStatus: 'available',
        DBInstanceClass: str(i.DBInstanceClass),
        Engine: from.Engine,
        EngineVersion: from.EngineVersion,
        StorageEncrypted:
          'DBSnapshotIdentifier' in from
            ? from.Encrypted
            : (from as DBClusterSnapshot).StorageEncrypted,
        KmsKeyId: from.KmsKeyId,
        AllocatedStorage: (i.AllocatedStorage as number | undefined) ?? from.AllocatedStorage,
        StorageType: (i.StorageType as string | undefined) ?? from.StorageType,
        Iops: i.Iops as number | undefined,
        Endpoint: { Address: `${id}.example`, Port: 5432 },
        MasterUsername: 'postgres',
        TagList: tagsOf(i),
      })
      return {}
    })
    on(RestoreDBClusterFromSnapshotCommand, (i) => {
      const id = str(i.DBClusterIdentifier)
      const ref = str(i.SnapshotIdentifier)
      const from =
        ref.split(':')[5] === 'cluster-snapshot'
          ? this.findSnapshotFor(account, ref, (a) => a.clusterSnapshots)
          : this.findSnapshotFor(account, ref, (a) => a.snapshots)
      if (!from) throw awsError('DBSnapshotNotFound', `snapshot ${ref} not found`, 404)
      s.clusters.set(id, {
        DBClusterIdentifier: id,
        DBClusterArn: arn(account, 'cluster', id),
        Status: 'available',
        Engine: str(i.Engine),
        EngineVersion: str(i.EngineVersion),
        DBClusterInstanceClass: i.DBClusterInstanceClass as string | undefined,
        Endpoint: `${id}.cluster.example`,
        ReaderEndpoint: `${id}.cluster-ro.example`,
        Port: 5432,
        MasterUsername: 'postgres',
        DBClusterMembers: [],
        TagList: tagsOf(i),
      })
      return {}
    })
    on(CreateDBInstanceCommand, (i) => {
      const id = str(i.DBInstanceIdentifier)
      s.instances.set(id, {
        DBInstanceIdentifier: id,
        DBInstanceStatus: 'available',
        DBClusterIdentifier: str(i.DBClusterIdentifier),
        TagList: tagsOf(i),
      })
      const cluster = s.clusters.get(str(i.DBClusterIdentifier))
      cluster?.DBClusterMembers?.push({
        DBInstanceIdentifier: id,
        IsClusterWriter: cluster.DBClusterMembers.length === 0,
      })
      return {}
    })
    const copy =
      <T extends { shared: Set<string>; KmsKeyId?: string }>(
        pick: (a: AccountState) => Map<string, T>,
        sourceKey: string,
        targetKey: string,
        type: string,
        idKey: string,
        arnKey: string,
      ) =>
      (i: Record<string, unknown>) => {
        const from = this.findSnapshotFor(account, str(i[sourceKey]), pick)
        if (!from) throw awsError('DBSnapshotNotFound', 'not found', 404)
        const id = str(i[targetKey])
        pick(s).set(id, {
          ...from,
          [idKey]: id,
          [arnKey]: arn(account, type, id),
          KmsKeyId: (i.KmsKeyId as string | undefined) ?? from.KmsKeyId,
          TagList: tagsOf(i),
          shared: new Set(),
        })
        return {}
      }
    on(
      CopyDBSnapshotCommand,
      copy(
        (a) => a.snapshots,
        'SourceDBSnapshotIdentifier',
        'TargetDBSnapshotIdentifier',
        'snapshot',
        'DBSnapshotIdentifier',
        'DBSnapshotArn',
      ),
    )
    on(
      CopyDBClusterSnapshotCommand,
      copy(
        (a) => a.clusterSnapshots,
        'SourceDBClusterSnapshotIdentifier',
        'TargetDBClusterSnapshotIdentifier',
        'cluster-snapshot',
        'DBClusterSnapshotIdentifier',
        'DBClusterSnapshotArn',
      ),
    )
    const share =
      <T extends { shared: Set<string> }>(
        pick: (a: AccountState) => Map<string, T>,
        idKey: string,
      ) =>
      (i: Record<string, unknown>) => {
        const x = pick(s).get(str(i[idKey]))
        if (!x) throw awsError('DBSnapshotNotFound', 'not found', 404)
        for (const a of (i.ValuesToAdd as string[] | undefined) ?? []) x.shared.add(a)
        for (const a of (i.ValuesToRemove as string[] | undefined) ?? []) x.shared.delete(a)
        return {}
      }
    on(
      ModifyDBSnapshotAttributeCommand,
      share((a) => a.snapshots, 'DBSnapshotIdentifier'),
    )
    on(
      ModifyDBClusterSnapshotAttributeCommand,
      share((a) => a.clusterSnapshots, 'DBClusterSnapshotIdentifier'),
    )
    on(DeleteDBSnapshotCommand, (i) => {
      if (!s.snapshots.delete(str(i.DBSnapshotIdentifier)))
        throw awsError('DBSnapshotNotFound', 'not found', 404)
      return {}
    })
    on(DeleteDBClusterSnapshotCommand, (i) => {
      if (!s.clusterSnapshots.delete(str(i.DBClusterSnapshotIdentifier))) {
        throw awsError('DBClusterSnapshotNotFoundFault', 'not found', 404)
      }
      return {}
    })
    on(DeleteDBInstanceCommand, (i) => {
      if (!s.instances.delete(str(i.DBInstanceIdentifier)))
        throw awsError('DBInstanceNotFound', 'not found', 404)
      return {}
    })
    const secret = (id: string) => ({
      SecretArn: `arn:aws:secretsmanager:${REGION}:${account}:secret:rds!${id}`,
      SecretStatus: 'active',
    })
    on(ModifyDBClusterCommand, (i) => {
      const c = s.clusters.get(str(i.DBClusterIdentifier))
      if (c && i.ManageMasterUserPassword) c.MasterUserSecret = secret(str(i.DBClusterIdentifier))
      return {}
    })
    on(ModifyDBInstanceCommand, (i) => {
      const x = s.instances.get(str(i.DBInstanceIdentifier))
      if (x && i.ManageMasterUserPassword) x.MasterUserSecret = secret(str(i.DBInstanceIdentifier))
      return {}
    })
  }

  private mockKms(client: KMSClient, account: string): void {
    const mock = mockClient(client)
    mock.on(DescribeKeyCommand).callsFake(async (input: { KeyId?: string }) => {
      this.calls.push({ account, op: 'DescribeKey', input })
      const keyId = input.KeyId ?? ''
      const owner = keyId.startsWith('arn:') ? keyId.split(':')[4] : account
      const known = [PROD_KEY, PROD_AWS_KEY, STAGING_KEY]
      const keyArn =
        known.find((k) => k === keyId || k.endsWith(keyId)) ??
        (keyId === 'alias/rds-staging' ? STAGING_KEY : undefined)
      if (!keyArn) throw awsError('NotFoundException', `Key '${keyId}' does not exist`)
      if (owner !== account && (keyArn !== PROD_KEY || this.keyRules.lockKey)) {
        throw awsError(
          'AccessDeniedException',
          `User is not authorized to perform: kms:DescribeKey on resource: ${keyArn}`,
        )
      }
      return {
        KeyMetadata: {
          KeyId: keyArn.split('/')[1],
          Arn: keyArn,
          KeyManager: keyArn === PROD_AWS_KEY ? 'AWS' : 'CUSTOMER',
        },
      }
    })
    mock.on(GetKeyPolicyCommand).callsFake(async (input: { KeyId?: string }) => {
      this.calls.push({ account, op: 'GetKeyPolicy', input })
      if (input.KeyId !== PROD_KEY || account !== PROD) {
        throw awsError('AccessDeniedException', 'GetKeyPolicy is not cross-account')
      }
      const uses = this.keyRules.lockKey
        ? []
        : this.keyRules.describeOnly
          ? ['kms:DescribeKey']
          : [
              'kms:DescribeKey',
              'kms:CreateGrant',
              'kms:Decrypt',
              'kms:GenerateDataKey*',
              'kms:ReEncrypt*',
            ]
      const statements = [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${PROD}:root` }, Action: 'kms:*' },
      ]
      if (uses.length > 0) {
        statements.push({
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${STAGING}:root` },
          Action: uses as never,
        })
      }
      return { Policy: JSON.stringify({ Statement: statements }) }
    })
  }
}

/** The production fixture: prod-multiaz (Multi-AZ postgres), prod-aurora (Aurora), prod-pg (instance). */
export function productionWorld(options: { awsManagedKey?: boolean } = {}): FakeWorld {
  const world = new FakeWorld()
  const prod = world.state(PROD)
  const key = options.awsManagedKey ? PROD_AWS_KEY : PROD_KEY
  prod.clusters.set('prod-multiaz', {
    DBClusterIdentifier: 'prod-multiaz',
    DBClusterArn: arn(PROD, 'cluster', 'prod-multiaz'),
    Engine: 'postgres',
    EngineVersion: '16.4',
    Status: 'available',
    DBClusterInstanceClass: 'db.m6gd.large',
    StorageType: 'io1',
    Iops: 3000,
    AllocatedStorage: 100,
    StorageEncrypted: true,
    KmsKeyId: key,
    DBSubnetGroup: 'prod-db',
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0prod0000000000a', Status: 'active' }],
    DBClusterParameterGroup: 'prod-pg16-cluster',
  })
  prod.clusters.set('prod-aurora', {
    DBClusterIdentifier: 'prod-aurora',
    DBClusterArn: arn(PROD, 'cluster', 'prod-aurora'),
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    Status: 'available',
    StorageEncrypted: true,
    KmsKeyId: key,
    DBSubnetGroup: 'prod-db',
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0prod0000000000a', Status: 'active' }],
    DBClusterMembers: [{ DBInstanceIdentifier: 'prod-aurora-1', IsClusterWriter: true }],
  })
  prod.instances.set('prod-aurora-1', {
    DBInstanceIdentifier: 'prod-aurora-1',
    DBInstanceClass: 'db.r6g.large',
    DBClusterIdentifier: 'prod-aurora',
    DBInstanceStatus: 'available',
  })
  prod.instances.set('prod-pg', {
    DBInstanceIdentifier: 'prod-pg',
    DBInstanceArn: arn(PROD, 'db', 'prod-pg'),
    DBInstanceClass: 'db.t4g.medium',
    DBInstanceStatus: 'available',
    Engine: 'postgres',
    EngineVersion: '16.4',
    StorageType: 'gp3',
    Iops: 3000,
    AllocatedStorage: 50,
    StorageEncrypted: true,
    KmsKeyId: key,
    DBSubnetGroup: { DBSubnetGroupName: 'prod-db' },
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0prod0000000000a', Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: 'prod-pg16' }],
  })
  for (const name of ['prod-db', 'prod-relay']) prod.subnetGroups.add(name)
  prod.clusterParameterGroups.add('prod-pg16-cluster')
  prod.parameterGroups.add('prod-pg16')
  const staging = world.state(STAGING)
  staging.subnetGroups.add('staging-db')
  staging.clusterParameterGroups.add('staging-aurora-pg16')
  staging.clusterParameterGroups.add('staging-pg16-cluster')
  staging.parameterGroups.add('staging-pg16')
  return world
}

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return baseSettings({
    region: REGION,
    roleSessionName: 'rds-refresh-test',
    target: 'staging-db',
    method: 'relay',
    run: { workflow: 'refresh' },
    ...overrides,
  })
}

/** Destination placement that exists in the staging account. */
export const STAGING_PLACEMENT: Partial<Settings> = {
  kmsKeyId: STAGING_KEY,
  dbSubnetGroup: 'staging-db',
  vpcSecurityGroupIds: ['sg-0stag0000000000a'],
}

export interface Harness {
  readonly ctx: RefreshContext
  readonly ledger: Ledger
  readonly output: {
    lines: string[]
    info(m: string): void
    warning(m: string): void
    debug(m: string): void
    startGroup(m: string): void
    endGroup(): void
  }
}

/** A RefreshContext over the fake world, as main.ts builds it. */
export async function makeContext(
  world: FakeWorld,
  options: {
    settings: Settings
    source?: string
    sameAccount?: boolean
    sourceDb?: SourceDatabase
    /** A destination-phase job with one role: its "source" session is the destination's. */
    destinationRoleOnly?: boolean
  },
): Promise<Harness> {
  const sameAccount = options.sameAccount ?? false
  const destination = sameAccount
    ? { ...world.session(PROD, 'destination') }
    : world.session(STAGING, 'destination')
  const source = options.destinationRoleOnly
    ? { ...destination, role: 'source' as const }
    : sameAccount
      ? { ...destination, role: 'source' as const }
      : world.session(PROD, 'source')
  const sourceDb =
    options.sourceDb ??
    (await detectSource(source, { identifier: options.source ?? 'prod-multiaz' }))
  world.calls.length = 0
  const ctx: RefreshContext = {
    settings: options.settings,
    source,
    destination,
    sameAccount,
    sourceDb,
    method: 'relay',
    names: runNames(options.settings.target ?? 'staging-db', options.settings.run),
    tags: [
      { Key: 'rds-refresh:managed', Value: 'true' },
      { Key: 'rds-refresh:run-id', Value: runIdOf(options.settings.run) },
    ],
    copyKind: sourceDb.kind === 'instance' ? 'instance' : 'cluster',
    values: refreshValues(options.settings),
  }
  const lines: string[] = []
  const output = {
    lines,
    info: (m: string) => lines.push(m),
    warning: (m: string) => lines.push(`WARNING ${m}`),
    debug: () => undefined,
    startGroup: (m: string) => lines.push(`::group::${m}`),
    endGroup: () => lines.push('::endgroup::'),
  }
  return { ctx, ledger: new Ledger(() => undefined), output }
}

export async function run(
  h: Harness,
  plan: Parameters<typeof runPlan<RefreshContext>>[0],
): Promise<PlanResult> {
  return runPlan(plan, h.ctx, { output: h.output, ledger: h.ledger, deadline: Date.now() + 60_000 })
}
