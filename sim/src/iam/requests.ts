/**
 * What IAM checks for each API call the simulator serves: the IAM action, the resource ARN(s) it
 * is evaluated against and the condition keys of the request. Sources per row are in README.md
 * ("What each call is checked against"); where the Service Authorization Reference lists several
 * resource types for an action, every one the request names is checked.
 */
import type { KeyInfo } from '../core/types.ts'

/** The resources IAM reads tags and keys from (the services answer for their own resources). */
export interface IamResourceView {
  /** Tags of an existing RDS resource or RAM resource share, by ARN; undefined when none exists. */
  tagsOf(arn: string): Readonly<Record<string, string>> | undefined
  /** The KMS key ARN that encrypts an existing RDS cluster or snapshot, if any. */
  keyOf(arn: string): string | undefined
  /** The key RDS puts a managed master user secret under when the request names none. */
  secretsManagerKeyArn(account: string): string
  /** A key reference (id, ARN, alias) resolved in the caller's account. */
  resolveKey(account: string, ref: string): KeyInfo | undefined
}

/**
 * One question to IAM. `via: 'rds'` marks a KMS action RDS performs with the caller's
 * permissions while copying or restoring (aws-reference H): its refusal comes back from RDS.
 */
export interface Check {
  readonly action: string
  readonly resource: string
  readonly context: Readonly<Record<string, string>>
  readonly via?: 'rds'
  /**
   * The call acts on an existing resource. When it does not exist the service answers NotFound
   * and the check is skipped (UNCONFIRMED: with tag conditions AWS may answer AccessDenied).
   */
  readonly existing?: boolean
}

export interface CallFacts {
  readonly service: string
  readonly operation: string
  readonly input: Readonly<Record<string, unknown>>
  readonly account: string
  readonly region: string
}

type Input = Readonly<Record<string, unknown>>

const str = (input: Input, name: string): string | undefined => {
  const value = input[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** RDS resource types by ARN segment, and their legacy `rds:<type>-tag/<key>` condition keys. */
const RDS_TAG_KEYS: Readonly<Record<string, string>> = {
  cluster: 'rds:cluster-tag',
  db: 'rds:db-tag',
  snapshot: 'rds:snapshot-tag',
  'cluster-snapshot': 'rds:cluster-snapshot-tag',
}

/** Builds checks for one call; `view` answers for existing resources' tags and keys. */
export class CheckBuilder {
  readonly checks: Check[] = []
  private readonly facts: CallFacts
  private readonly view: IamResourceView

  constructor(facts: CallFacts, view: IamResourceView) {
    this.facts = facts
    this.view = view
  }

  /** `arn:aws:rds:<region>:<account>:<kind>:<id>` for an identifier or ARN (ids are lower case in RDS). */
  rdsArn(kind: string, ref: string | undefined): string {
    if (ref === undefined) return `arn:aws:rds:${this.facts.region}:${this.facts.account}:${kind}:*`
    if (ref.startsWith('arn:'))
      return ref.replace(/:([^:]+)$/, (_, id: string) => `:${id.toLowerCase()}`)
    return `arn:aws:rds:${this.facts.region}:${this.facts.account}:${kind}:${ref.toLowerCase()}`
  }

  /** Request tags (`Tags: [{Key, Value}]` or RAM's `tags: [{key, value}]`) as `aws:RequestTag/<k>`. */
  requestTags(): Record<string, string> {
    const list = this.facts.input.Tags ?? this.facts.input.tags
    const context: Record<string, string> = {}
    if (!Array.isArray(list)) return context
    for (const tag of list as Record<string, unknown>[]) {
      const key = tag.Key ?? tag.key
      if (typeof key === 'string')
        context[`aws:RequestTag/${key}`] = String(tag.Value ?? tag.value ?? '')
    }
    return context
  }

  hasRequestTags(): boolean {
    return Object.keys(this.requestTags()).length > 0
  }

  /** Condition keys of an existing resource: `aws:ResourceTag/<k>` (and RDS's legacy key). */
  resourceContext(arn: string): Record<string, string> {
    const tags = this.view.tagsOf(arn) ?? {}
    const kind = /^arn:aws[\w-]*:rds:[^:]*:\d{12}:([a-z-]+):/.exec(arn)?.[1]
    const legacy = kind === undefined ? undefined : RDS_TAG_KEYS[kind]
    const context: Record<string, string> = {}
    for (const [key, value] of Object.entries(tags)) {
      context[`aws:ResourceTag/${key}`] = value
      if (legacy !== undefined) context[`${legacy}/${key}`] = value
    }
    return context
  }

  /** The action on each resource, with that resource's tags and the request's tags. */
  add(action: string, ...resources: (string | undefined)[]): this {
    for (const resource of resources) {
      if (resource === undefined) continue
      const context = { ...this.requestTags(), ...this.resourceContext(resource) }
      this.checks.push({ action, resource, context })
    }
    return this
  }

  /** The action on an existing resource (modify, delete, tag): see Check.existing. */
  onExisting(action: string, resource: string | undefined): this {
    if (resource === undefined) return this
    const context = { ...this.requestTags(), ...this.resourceContext(resource) }
    this.checks.push({ action, resource, context, existing: true })
    return this
  }

  /** Creating with tags also needs the tagging action on the new resource (aws-reference H). */
  tagOnCreate(action: string, resource: string): this {
    if (this.hasRequestTags()) this.add(action, resource)
    return this
  }

  /**
   * The KMS actions RDS performs with the caller's permissions when it copies or restores with a
   * key (aws-reference H, A6): CreateGrant (for an AWS resource), Decrypt, GenerateDataKey*,
   * ReEncrypt* and DescribeKey, each through RDS.
   */
  kmsThroughRds(keyArn: string | undefined): this {
    if (keyArn === undefined) return this
    const context = {
      'kms:ViaService': `rds.${this.facts.region}.amazonaws.com`,
      'kms:CallerAccount': this.facts.account,
    }
    for (const action of [
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
      'kms:DescribeKey',
    ]) {
      const extra: Record<string, string> =
        action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}
      this.checks.push({ action, resource: keyArn, context: { ...context, ...extra }, via: 'rds' })
    }
    return this
  }

  /**
   * A copy or restore from `source`: RDS uses the source's key, and the request's `KmsKeyId`
   * too when it names another one.
   */
  kmsFromSource(source: string): this {
    const sourceKey = this.keyOf(source)
    const named = this.namedKey()
    this.kmsThroughRds(sourceKey)
    return named === sourceKey ? this : this.kmsThroughRds(named)
  }

  /** The key a request names (`KmsKeyId`), resolved in the caller's account. */
  namedKey(name = 'KmsKeyId'): string | undefined {
    const ref = str(this.facts.input, name)
    return ref === undefined ? undefined : this.view.resolveKey(this.facts.account, ref)?.arn
  }

  keyOf(arn: string): string | undefined {
    return this.view.keyOf(arn)
  }

  secretsManagerKeyArn(): string {
    return this.view.secretsManagerKeyArn(this.facts.account)
  }
}

type Rule = (b: CheckBuilder, input: Input, facts: CallFacts) => void

/** The managed master user secret RDS creates for the caller (aws-reference G1). */
function managedSecret(b: CheckBuilder, input: Input, facts: CallFacts, kind: 'cluster' | 'db') {
  if (input.ManageMasterUserPassword !== true) return
  const id = (
    str(input, kind === 'cluster' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier') ?? ''
  ).toLowerCase()
  const secret = `arn:aws:secretsmanager:${facts.region}:${facts.account}:secret:rds!${kind}-${id}`
  b.add('secretsmanager:CreateSecret', secret).add('secretsmanager:TagResource', secret)
  b.add('kms:DescribeKey', b.namedKey('MasterUserSecretKmsKeyId') ?? b.secretsManagerKeyArn())
}

const describe =
  (action: string, kind: string, member: string): Rule =>
  (b, input) =>
    b.add(action, str(input, member) === undefined ? '*' : b.rdsArn(kind, str(input, member)))

const rds: Readonly<Record<string, Rule>> = {
  DescribeDBClusters: describe('rds:DescribeDBClusters', 'cluster', 'DBClusterIdentifier'),
  DescribeDBInstances: describe('rds:DescribeDBInstances', 'db', 'DBInstanceIdentifier'),
  DescribeDBSnapshots: describe('rds:DescribeDBSnapshots', 'snapshot', 'DBSnapshotIdentifier'),
  DescribeDBClusterSnapshots: describe(
    'rds:DescribeDBClusterSnapshots',
    'cluster-snapshot',
    'DBClusterSnapshotIdentifier',
  ),
  DescribeDBSubnetGroups: describe('rds:DescribeDBSubnetGroups', 'subgrp', 'DBSubnetGroupName'),
  DescribeDBClusterParameterGroups: describe(
    'rds:DescribeDBClusterParameterGroups',
    'cluster-pg',
    'DBClusterParameterGroupName',
  ),
  DescribeDBParameterGroups: describe(
    'rds:DescribeDBParameterGroups',
    'pg',
    'DBParameterGroupName',
  ),
  DescribeAccountAttributes: (b) => b.add('rds:DescribeAccountAttributes', '*'),
  ListTagsForResource: (b, input) =>
    b.onExisting('rds:ListTagsForResource', str(input, 'ResourceName')),
  AddTagsToResource: (b, input) =>
    b.onExisting('rds:AddTagsToResource', str(input, 'ResourceName')),
  RemoveTagsFromResource: (b, input) =>
    b.onExisting('rds:RemoveTagsFromResource', str(input, 'ResourceName')),
  CreateDBClusterSnapshot: (b, input) => {
    const snapshot = b.rdsArn('cluster-snapshot', str(input, 'DBClusterSnapshotIdentifier'))
    b.add('rds:CreateDBClusterSnapshot', b.rdsArn('cluster', str(input, 'DBClusterIdentifier')))
    b.add('rds:CreateDBClusterSnapshot', snapshot).tagOnCreate('rds:AddTagsToResource', snapshot)
  },
  CreateDBSnapshot: (b, input) => {
    const snapshot = b.rdsArn('snapshot', str(input, 'DBSnapshotIdentifier'))
    b.add('rds:CreateDBSnapshot', b.rdsArn('db', str(input, 'DBInstanceIdentifier')))
    b.add('rds:CreateDBSnapshot', snapshot).tagOnCreate('rds:AddTagsToResource', snapshot)
  },
  CopyDBSnapshot: (b, input) => {
    const source = b.rdsArn('snapshot', str(input, 'SourceDBSnapshotIdentifier'))
    const target = b.rdsArn('snapshot', str(input, 'TargetDBSnapshotIdentifier'))
    b.add('rds:CopyDBSnapshot', source, target).tagOnCreate('rds:AddTagsToResource', target)
    b.kmsFromSource(source)
  },
  CopyDBClusterSnapshot: (b, input) => {
    const source = b.rdsArn('cluster-snapshot', str(input, 'SourceDBClusterSnapshotIdentifier'))
    const target = b.rdsArn('cluster-snapshot', str(input, 'TargetDBClusterSnapshotIdentifier'))
    b.add('rds:CopyDBClusterSnapshot', source, target).tagOnCreate('rds:AddTagsToResource', target)
    b.kmsFromSource(source)
  },
  RestoreDBClusterToPointInTime: (b, input) => {
    const cluster = b.rdsArn('cluster', str(input, 'DBClusterIdentifier'))
    const source = b.rdsArn('cluster', str(input, 'SourceDBClusterIdentifier'))
    b.add('rds:RestoreDBClusterToPointInTime', cluster, source)
    placement(b, 'rds:RestoreDBClusterToPointInTime', input, 'DBClusterParameterGroupName')
    b.tagOnCreate('rds:AddTagsToResource', cluster)
    b.kmsFromSource(source)
  },
  RestoreDBClusterFromSnapshot: (b, input) => {
    const cluster = b.rdsArn('cluster', str(input, 'DBClusterIdentifier'))
    const ref = str(input, 'SnapshotIdentifier')
    const snapshot = ref?.includes(':snapshot:') ? ref : b.rdsArn('cluster-snapshot', ref)
    b.add('rds:RestoreDBClusterFromSnapshot', cluster, snapshot)
    placement(b, 'rds:RestoreDBClusterFromSnapshot', input, 'DBClusterParameterGroupName')
    b.tagOnCreate('rds:AddTagsToResource', cluster)
    b.kmsFromSource(snapshot)
  },
  RestoreDBInstanceFromDBSnapshot: (b, input) => {
    const db = b.rdsArn('db', str(input, 'DBInstanceIdentifier'))
    const snapshot =
      str(input, 'DBClusterSnapshotIdentifier') !== undefined
        ? b.rdsArn('cluster-snapshot', str(input, 'DBClusterSnapshotIdentifier'))
        : b.rdsArn('snapshot', str(input, 'DBSnapshotIdentifier'))
    b.add('rds:RestoreDBInstanceFromDBSnapshot', db, snapshot)
    placement(b, 'rds:RestoreDBInstanceFromDBSnapshot', input, 'DBParameterGroupName')
    b.tagOnCreate('rds:AddTagsToResource', db)
    b.kmsThroughRds(b.keyOf(snapshot))
  },
  CreateDBInstance: (b, input) => {
    const db = b.rdsArn('db', str(input, 'DBInstanceIdentifier'))
    const cluster = str(input, 'DBClusterIdentifier')
    b.add(
      'rds:CreateDBInstance',
      db,
      cluster === undefined ? undefined : b.rdsArn('cluster', cluster),
    )
    placement(b, 'rds:CreateDBInstance', input, 'DBParameterGroupName')
    b.tagOnCreate('rds:AddTagsToResource', db)
  },
  ModifyDBCluster: (b, input, facts) => {
    b.onExisting('rds:ModifyDBCluster', b.rdsArn('cluster', str(input, 'DBClusterIdentifier')))
    managedSecret(b, input, facts, 'cluster')
  },
  ModifyDBInstance: (b, input, facts) => {
    b.onExisting('rds:ModifyDBInstance', b.rdsArn('db', str(input, 'DBInstanceIdentifier')))
    managedSecret(b, input, facts, 'db')
  },
  DeleteDBCluster: (b, input) => {
    const final = str(input, 'FinalDBSnapshotIdentifier')
    const snapshot = final === undefined ? undefined : b.rdsArn('cluster-snapshot', final)
    b.onExisting('rds:DeleteDBCluster', b.rdsArn('cluster', str(input, 'DBClusterIdentifier')))
    b.add('rds:DeleteDBCluster', snapshot)
    if (snapshot !== undefined) b.add('rds:CreateDBClusterSnapshot', snapshot)
  },
  DeleteDBInstance: (b, input) => {
    const final = str(input, 'FinalDBSnapshotIdentifier')
    const snapshot = final === undefined ? undefined : b.rdsArn('snapshot', final)
    b.onExisting('rds:DeleteDBInstance', b.rdsArn('db', str(input, 'DBInstanceIdentifier')))
    b.add('rds:DeleteDBInstance', snapshot)
    if (snapshot !== undefined) b.add('rds:CreateDBSnapshot', snapshot)
  },
  DeleteDBSnapshot: (b, input) =>
    b.onExisting('rds:DeleteDBSnapshot', b.rdsArn('snapshot', str(input, 'DBSnapshotIdentifier'))),
  DeleteDBClusterSnapshot: (b, input) =>
    b.onExisting(
      'rds:DeleteDBClusterSnapshot',
      b.rdsArn('cluster-snapshot', str(input, 'DBClusterSnapshotIdentifier')),
    ),
  ModifyDBSnapshotAttribute: (b, input) =>
    b.onExisting(
      'rds:ModifyDBSnapshotAttribute',
      b.rdsArn('snapshot', str(input, 'DBSnapshotIdentifier')),
    ),
  ModifyDBClusterSnapshotAttribute: (b, input) =>
    b.onExisting(
      'rds:ModifyDBClusterSnapshotAttribute',
      b.rdsArn('cluster-snapshot', str(input, 'DBClusterSnapshotIdentifier')),
    ),
}

/** The subnet group and parameter group a create or restore names are checked too. */
function placement(b: CheckBuilder, action: string, input: Input, parameterGroupMember: string) {
  const subnetGroup = str(input, 'DBSubnetGroupName')
  const parameterGroup = str(input, parameterGroupMember)
  const pgKind = parameterGroupMember === 'DBClusterParameterGroupName' ? 'cluster-pg' : 'pg'
  if (subnetGroup !== undefined) b.add(action, b.rdsArn('subgrp', subnetGroup))
  if (parameterGroup !== undefined) b.add(action, b.rdsArn(pgKind, parameterGroup))
}

const shareArn = (facts: CallFacts, id = '*') =>
  `arn:aws:ram:${facts.region}:${facts.account}:resource-share/${id}`

const ram: Readonly<Record<string, Rule>> = {
  CreateResourceShare: (b, input, facts) => {
    const share = shareArn(facts)
    b.add('ram:CreateResourceShare', share)
    const last = b.checks.at(-1)
    if (last) {
      b.checks[b.checks.length - 1] = {
        ...last,
        context: {
          ...last.context,
          'ram:AllowsExternalPrincipals': String(input.allowExternalPrincipals ?? true),
        },
      }
    }
    b.tagOnCreate('ram:TagResource', share)
  },
  GetResourceShares: (b) => b.add('ram:GetResourceShares', '*'),
  GetResourceShareAssociations: (b) => b.add('ram:GetResourceShareAssociations', '*'),
  GetResourceShareInvitations: (b) => b.add('ram:GetResourceShareInvitations', '*'),
  AcceptResourceShareInvitation: (b, input) =>
    b.add('ram:AcceptResourceShareInvitation', str(input, 'resourceShareInvitationArn')),
  DeleteResourceShare: (b, input) =>
    b.onExisting('ram:DeleteResourceShare', str(input, 'resourceShareArn')),
  TagResource: (b, input) => b.onExisting('ram:TagResource', str(input, 'resourceShareArn')),
}

/** KMS calls on a named key are checked on the key's ARN; list calls on `*`. */
const kmsKeyCall =
  (action: string): Rule =>
  (b) =>
    b.add(action, b.namedKey('KeyId'))

const kms: Readonly<Record<string, Rule>> = {
  DescribeKey: kmsKeyCall('kms:DescribeKey'),
  GetKeyPolicy: kmsKeyCall('kms:GetKeyPolicy'),
  ListAliases: (b) => b.add('kms:ListAliases', '*'),
}

const rules: Readonly<Record<string, Readonly<Record<string, Rule>>>> = { rds, ram, kms }

/**
 * The checks for one call, or undefined for STS (`GetCallerIdentity` needs no permission; web
 * identity and role trust are STS's own). An operation without a row is checked as its own
 * action on `*`.
 */
export function checksFor(facts: CallFacts, view: IamResourceView): Check[] | undefined {
  if (facts.service === 'sts') return undefined
  const builder = new CheckBuilder(facts, view)
  const rule = rules[facts.service]?.[facts.operation]
  if (rule) rule(builder, facts.input, facts)
  else builder.add(`${facts.service}:${facts.operation}`, '*')
  return builder.checks
}

/** Every operation the simulator checks, as `service:Operation` (for the README table test). */
export const checkedOperations: readonly string[] = Object.entries(rules).flatMap(([service, r]) =>
  Object.keys(r).map((operation) => `${service}:${operation}`),
)
