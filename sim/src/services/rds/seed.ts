/** Loads an RdsFixture into the store: resources start available (or stopped) at the current time. */
import { parameterFamily } from './common.ts'
import { checkName, PARAMETER_GROUP_RULE, SUBNET_GROUP_RULE } from './identifiers.ts'
import type { ClusterFixture, InstanceFixture, RdsAccountFixture, RdsFixture } from './fixture.ts'
import { instanceRecord } from './instances-create.ts'
import { isAurora, newResourceId } from './records.ts'
import type { ClusterRecord } from './records.ts'
import { clusterSnapshotFields, snapshotFields } from './snapshots.ts'
import type { RdsStore } from './store.ts'

export function seedRds(store: RdsStore, fixture: RdsFixture): void {
  for (const account of fixture.accounts) seedAccount(store, account)
}

/** When a seeded resource was created: `ageSeconds` of simulated time before the seed. */
function createdAt(store: RdsStore, ageSeconds: number | undefined): number {
  return store.now() - (ageSeconds ?? 0) * 1000
}

function keyArn(store: RdsStore, account: string, alias: string | undefined): string | undefined {
  if (alias === undefined) return undefined
  if (alias === 'aws/rds') return store.kms.awsManagedRdsKey(account).arn
  const key = store.kms.resolveKey(account, `alias/${alias}`)
  if (!key) throw new Error(`RDS fixture: KMS alias ${alias} not found in account ${account}`)
  return key.arn
}

/** A fixture parameter group, named as AWS allows (`default.*` are AWS's own). */
function parameterGroup(
  g: { name: string; family: string },
  member: string,
): { name: string; family: string } {
  if (!g.name.startsWith('default.')) checkName(member, g.name, PARAMETER_GROUP_RULE)
  return { ...g, name: g.name.toLowerCase() }
}

function seedAccount(store: RdsStore, fixture: RdsAccountFixture): void {
  const acct = store.account(fixture.account)
  if (fixture.dnsToken) acct.dnsToken = fixture.dnsToken
  for (const g of fixture.subnetGroups ?? []) {
    const name = g.name.toLowerCase()
    if (name !== 'default') checkName('DBSubnetGroupName', g.name, SUBNET_GROUP_RULE)
    acct.subnetGroups.set(name, { name, vpcId: g.vpcId ?? `vpc-${fixture.account}` })
  }
  if (fixture.defaultSecurityGroupId) {
    acct.securityGroupIds.delete(acct.defaultSecurityGroupId)
    acct.defaultSecurityGroupId = fixture.defaultSecurityGroupId
    acct.securityGroupIds.add(fixture.defaultSecurityGroupId)
  }
  for (const sg of fixture.securityGroupIds ?? []) acct.securityGroupIds.add(sg)
  for (const g of fixture.clusterParameterGroups ?? []) {
    acct.clusterParameterGroups.set(
      g.name.toLowerCase(),
      parameterGroup(g, 'DBClusterParameterGroupName'),
    )
  }
  for (const g of fixture.parameterGroups ?? []) {
    acct.parameterGroups.set(g.name.toLowerCase(), parameterGroup(g, 'DBParameterGroupName'))
  }
  acct.quotas = { ...acct.quotas, ...fixture.quotas }
  for (const c of fixture.clusters ?? []) seedCluster(store, fixture.account, c)
  for (const i of fixture.instances ?? []) seedInstance(store, fixture.account, i)
  for (const s of fixture.clusterSnapshots ?? []) {
    const cluster = acct.clusters.get(s.cluster)
    if (!cluster)
      throw new Error(`RDS fixture: cluster ${s.cluster} not found for snapshot ${s.identifier}`)
    store.add({
      ...clusterSnapshotFields(cluster),
      type: 'db-cluster-snapshot',
      account: fixture.account,
      identifier: s.identifier,
      status: 'available',
      transitions: [],
      snapshotType: 'manual',
      createdAt: createdAt(store, s.ageSeconds),
      progressStart: store.now(),
      progressEnd: store.now(),
      sharedWith: [...(s.sharedWith ?? [])],
      tags: [...(s.tags ?? [])],
    })
  }
  for (const s of fixture.snapshots ?? []) {
    const instance = acct.instances.get(s.instance)
    if (!instance)
      throw new Error(`RDS fixture: instance ${s.instance} not found for snapshot ${s.identifier}`)
    store.add({
      ...snapshotFields(instance),
      type: 'db-snapshot',
      account: fixture.account,
      identifier: s.identifier,
      status: 'available',
      transitions: [],
      snapshotType: 'manual',
      createdAt: createdAt(store, s.ageSeconds),
      progressStart: store.now(),
      progressEnd: store.now(),
      sharedWith: [...(s.sharedWith ?? [])],
      tags: [...(s.tags ?? [])],
    })
  }
}

function seedCluster(store: RdsStore, account: string, c: ClusterFixture): void {
  const acct = store.account(account)
  const kmsKeyArn = keyArn(store, account, c.kmsKeyAlias)
  const family = parameterFamily(c.engine, c.engineVersion)
  const cluster: ClusterRecord = {
    type: 'db-cluster',
    resourceId: newResourceId('cluster'),
    account,
    identifier: c.identifier,
    status: c.status ?? 'available',
    transitions: [],
    engine: c.engine,
    engineVersion: c.engineVersion,
    masterUsername: c.masterUsername,
    storageEncrypted: kmsKeyArn !== undefined,
    kmsKeyArn,
    deletionProtection: c.deletionProtection ?? false,
    crossAccountClone: false,
    serverlessV2: c.serverlessV2 ? { ...c.serverlessV2 } : undefined,
    dbClusterInstanceClass: c.dbClusterInstanceClass,
    storageType: c.storageType,
    iops: c.iops,
    allocatedStorage: c.allocatedStorage,
    subnetGroup: c.subnetGroup ?? 'default',
    securityGroupIds: [...(c.securityGroupIds ?? [acct.defaultSecurityGroupId])],
    clusterParameterGroup: c.clusterParameterGroup ?? `default.${family}`,
    publiclyAccessible: false,
    createdAt: createdAt(store, c.ageSeconds),
    tags: [...(c.tags ?? [])],
    pending: {},
  }
  store.add(cluster)
  const members =
    c.instances ??
    (isAurora(c.engine)
      ? []
      : [1, 2, 3].map((n) => ({
          identifier: `${c.identifier}-instance-${n}`,
          instanceClass: c.dbClusterInstanceClass ?? 'db.m6gd.large',
          writer: n === 1,
        })))
  const hasWriter = members.some((m) => m.writer)
  members.forEach((m, index) => {
    store.add(
      instanceRecord(store, {
        account,
        identifier: m.identifier,
        status: cluster.status,
        clusterIdentifier: c.identifier,
        instanceClass: m.instanceClass,
        engine: c.engine,
        engineVersion: c.engineVersion,
        masterUsername: c.masterUsername,
        allocatedStorage: c.allocatedStorage,
        storageType: c.storageType,
        iops: c.iops,
        subnetGroup: cluster.subnetGroup,
        securityGroupIds: cluster.securityGroupIds,
        parameterGroup:
          ('parameterGroup' in m ? m.parameterGroup : undefined) ?? `default.${family}`,
        storageEncrypted: cluster.storageEncrypted,
        kmsKeyArn,
        promotionTier: 'promotionTier' in m ? m.promotionTier : undefined,
        isWriter: hasWriter ? m.writer === true : index === 0,
        createdAt: cluster.createdAt,
        tags: [...('tags' in m ? (m.tags ?? []) : [])],
      }),
    )
  })
}

function seedInstance(store: RdsStore, account: string, i: InstanceFixture): void {
  const acct = store.account(account)
  const kmsKeyArn = keyArn(store, account, i.kmsKeyAlias)
  store.add(
    instanceRecord(store, {
      account,
      identifier: i.identifier,
      status: 'available',
      instanceClass: i.instanceClass,
      engine: i.engine,
      engineVersion: i.engineVersion,
      masterUsername: i.masterUsername,
      multiAZ: i.multiAZ,
      allocatedStorage: i.allocatedStorage,
      storageType: i.storageType,
      iops: i.iops,
      subnetGroup: i.subnetGroup ?? 'default',
      securityGroupIds: [...(i.securityGroupIds ?? [acct.defaultSecurityGroupId])],
      parameterGroup: i.parameterGroup ?? `default.${parameterFamily(i.engine, i.engineVersion)}`,
      storageEncrypted: kmsKeyArn !== undefined,
      kmsKeyArn,
      deletionProtection: i.deletionProtection,
      tags: [...(i.tags ?? [])],
      createdAt: createdAt(store, i.ageSeconds),
    }),
  )
}
