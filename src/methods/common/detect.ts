import type { DBCluster, DBInstance } from '@aws-sdk/client-rds'
import type { AccountSession } from '../../credentials.js'
import { ActionError } from '../../errors.js'
import { findCluster, findInstance } from '../../aws/rds-read.js'
import type { ResourceRef } from '../../settings.js'
import { accountFromArn } from '../../aws/arn.js'

export type SourceKind = 'aurora-cluster' | 'multi-az-cluster' | 'instance'

/** The source database as read from the source account before planning. */
export interface SourceDatabase {
  readonly kind: SourceKind
  readonly identifier: string
  readonly arn: string
  readonly engine: string
  readonly engineVersion: string
  readonly status: string
  readonly encrypted: boolean
  readonly kmsKeyArn?: string
  readonly cluster?: DBCluster
  readonly instance?: DBInstance
  /** Aurora: the writer instance's class, the default class for the copy's instances. */
  readonly writerInstanceClass?: string
  /** Aurora: the writer instance's DB parameter group, inherited by a copy in the same account. */
  readonly writerParameterGroup?: string
}

const AURORA_ENGINES = new Set(['aurora-mysql', 'aurora-postgresql', 'aurora'])

export function isAuroraEngine(engine: string | undefined): boolean {
  return engine !== undefined && AURORA_ENGINES.has(engine)
}

/**
 * Find the source in the source account: a DB cluster first (Aurora or Multi-AZ), else a DB
 * instance. A member instance of a cluster is refused: the cluster is what gets copied.
 */
export async function detectSource(
  session: AccountSession,
  ref: ResourceRef,
): Promise<SourceDatabase> {
  const id = ref.arn ?? ref.identifier
  const cluster = await findCluster(session.clients.rds, id)
  if (cluster) {
    requireNamedAccount(session, ref, cluster.DBClusterArn)
    return fromCluster(cluster, await readWriter(session, cluster))
  }
  const instance = await findInstance(session.clients.rds, id)
  if (instance) requireNamedAccount(session, ref, instance.DBInstanceArn)
  if (instance?.DBClusterIdentifier) {
    throw new ActionError({
      summary: `Source ${ref.identifier} is DB instance of cluster ${instance.DBClusterIdentifier}`,
      resource: `DB instance ${ref.identifier}`,
      side: 'source',
      accountId: session.accountId,
      hint: `Set source to the cluster, ${instance.DBClusterIdentifier}.`,
    })
  }
  if (instance) return fromInstance(instance)
  throw new ActionError({
    summary: `Source ${id} was not found as a DB cluster or DB instance`,
    resource: id,
    side: 'source',
    accountId: session.accountId,
    code: 'DBClusterNotFoundFault',
    hint: `Check the identifier and aws-region, and that source-role-arn belongs to the account that owns the source (AWS answers the same for a database that does not exist and one this role may not see).`,
  })
}

/**
 * A source given by ARN must resolve to a database of the account that ARN names: never another
 * account's database of the same name.
 */
function requireNamedAccount(
  session: AccountSession,
  ref: ResourceRef,
  resolvedArn: string | undefined,
): void {
  if (!ref.arn) return
  const named = accountFromArn(ref.arn)
  const resolved = resolvedArn ? accountFromArn(resolvedArn) : undefined
  if (named === resolved) return
  throw new ActionError({
    summary: `Source ${ref.arn} names account ${named ?? 'unknown'}, but AWS answered with ${resolvedArn ?? 'a database without an ARN'} of account ${resolved ?? 'unknown'}`,
    resource: ref.arn,
    side: 'source',
    accountId: session.accountId,
    hint: `Set source-role-arn to a role in account ${named ?? 'the account of the source ARN'} (the account that owns the source), or set source to that database's own ARN.`,
  })
}

/** An Aurora cluster's writer instance: its class and parameter group serve the copy. */
async function readWriter(
  session: AccountSession,
  cluster: DBCluster,
): Promise<DBInstance | undefined> {
  if (!isAuroraEngine(cluster.Engine)) return undefined
  const writer = cluster.DBClusterMembers?.find((member) => member.IsClusterWriter)
  if (!writer?.DBInstanceIdentifier) return undefined
  return findInstance(session.clients.rds, writer.DBInstanceIdentifier)
}

function fromCluster(cluster: DBCluster, writer: DBInstance | undefined): SourceDatabase {
  const engine = cluster.Engine ?? ''
  return {
    kind: isAuroraEngine(engine) ? 'aurora-cluster' : 'multi-az-cluster',
    identifier: cluster.DBClusterIdentifier ?? '',
    arn: cluster.DBClusterArn ?? '',
    engine,
    engineVersion: cluster.EngineVersion ?? '',
    status: cluster.Status ?? 'unknown',
    encrypted: cluster.StorageEncrypted ?? false,
    kmsKeyArn: cluster.KmsKeyId,
    cluster,
    writerInstanceClass: writer?.DBInstanceClass,
    writerParameterGroup: writer?.DBParameterGroups?.[0]?.DBParameterGroupName,
  }
}

function fromInstance(instance: DBInstance): SourceDatabase {
  return {
    kind: 'instance',
    identifier: instance.DBInstanceIdentifier ?? '',
    arn: instance.DBInstanceArn ?? '',
    engine: instance.Engine ?? '',
    engineVersion: instance.EngineVersion ?? '',
    status: instance.DBInstanceStatus ?? 'unknown',
    encrypted: instance.StorageEncrypted ?? false,
    kmsKeyArn: instance.KmsKeyId,
    instance,
  }
}
