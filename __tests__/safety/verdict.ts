/**
 * What the safety suite measures after a scenario, from the simulator alone (never from what the
 * action says about itself): resources left behind, changes to resources the run did not create
 * (request log and inventory), and secrets printed outside `::add-mask::` lines.
 */
import type { RequestLogEntry } from '../../sim/src/core/types.ts'
import type { ActionRun, Simulator } from '../e2e/harness.ts'
import { ACCOUNTS } from '../e2e/harness.ts'

/** The resource types the action can create or change (KMS grants are RDS's, not the action's). */
const TYPES = [
  'db-clusters',
  'db-instances',
  'db-cluster-snapshots',
  'db-snapshots',
  'resource-shares',
] as const
export type ResourceType = (typeof TYPES)[number]

export interface Resource {
  readonly account: string
  readonly type: ResourceType
  readonly id: string
  readonly status: string
  readonly tags: Readonly<Record<string, string>>
  /** The cluster a DB instance belongs to. */
  readonly cluster?: string
  /** What "changed" compares: status, tags, shares, members, protection, class, secret. */
  readonly fingerprint: string
}

/** Every resource of every account, by `account/type/id`. */
export type Census = ReadonlyMap<string, Resource>

export const keyOf = (r: { account: string; type: string; id: string }): string =>
  `${r.account}/${r.type}/${r.id}`

type Item = Record<string, unknown>

function tagsOf(item: Item): Record<string, string> {
  const list = (item.TagList ?? item.tags ?? []) as {
    Key?: string
    Value?: string
    key?: string
    value?: string
  }[]
  return Object.fromEntries(list.map((t) => [t.Key ?? t.key ?? '', t.Value ?? t.value ?? '']))
}

function idOf(type: ResourceType, item: Item): string {
  const field = {
    'db-clusters': 'DBClusterIdentifier',
    'db-instances': 'DBInstanceIdentifier',
    'db-cluster-snapshots': 'DBClusterSnapshotIdentifier',
    'db-snapshots': 'DBSnapshotIdentifier',
    'resource-shares': 'resourceShareArn',
  }[type]
  return String(item[field])
}

function fingerprint(item: Item): string {
  const members = ((item.DBClusterMembers ?? []) as Item[]).map((m) => m.DBInstanceIdentifier)
  const shared = ((item.Attributes ?? []) as { AttributeValues?: string[] }[]).flatMap(
    (a) => a.AttributeValues ?? [],
  )
  const associations = ((item.associations ?? []) as Item[]).map(
    (a) => `${String(a.associatedEntity)}:${String(a.status)}`,
  )
  return JSON.stringify({
    status: item.Status ?? item.DBInstanceStatus ?? item.status,
    tags: Object.entries(tagsOf(item)).sort(),
    members: members.sort(),
    shared: shared.sort(),
    associations: associations.sort(),
    protection: item.DeletionProtection,
    class: item.DBInstanceClass ?? item.DBClusterInstanceClass,
    secret: (item.MasterUserSecret as Item | undefined)?.SecretArn,
    cluster: item.DBClusterIdentifier,
  })
}

export function census(sim: Simulator): Census {
  const result = new Map<string, Resource>()
  for (const account of Object.values(ACCOUNTS)) {
    const inventory = sim.inventory(account) as Record<string, Item[]>
    for (const type of TYPES) {
      for (const item of inventory[type] ?? []) {
        const resource: Resource = {
          account,
          type,
          id: idOf(type, item),
          status: String(item.Status ?? item.DBInstanceStatus ?? item.status ?? ''),
          tags: tagsOf(item),
          cluster:
            type === 'db-instances' ? (item.DBClusterIdentifier as string | undefined) : undefined,
          fingerprint: fingerprint(item),
        }
        result.set(keyOf(resource), resource)
      }
    }
  }
  return result
}

/** On its way out: AWS accepted the deletion (the post step does not wait for the end). */
export function isGoing(resource: Resource): boolean {
  return resource.status === 'deleting' || resource.status === 'DELETING'
}

/** Pre-existing resources that are gone, going, or changed (by fingerprint). */
export function changedResources(before: Census, after: Census): string[] {
  const changed: string[] = []
  for (const [key, was] of before) {
    const now = after.get(key)
    if (!now) changed.push(`${key} was deleted`)
    else if (isGoing(now) && !isGoing(was)) changed.push(`${key} is being deleted`)
    else if (now.fingerprint !== was.fingerprint) {
      changed.push(`${key} changed: ${was.fingerprint} → ${now.fingerprint}`)
    }
  }
  return changed
}

/** Resources that exist now (and are not being deleted) and did not exist before. */
export function newResources(before: Census, after: Census): Resource[] {
  return [...after.values()].filter((r) => !before.has(keyOf(r)) && !isGoing(r))
}

// ---------------------------------------------------------------------------------------------
// The request log: which calls changed something, and on what.

const READ_ONLY = /^(Describe|List|Get|AssumeRole|GetCallerIdentity)/

/** AWS acted on the call: it succeeded, or its answer was lost after the handler ran. */
export function awsActed(request: RequestLogEntry): boolean {
  if (request.errorCode === undefined) return true
  return (
    request.fault === 'lose-answer' || request.fault === 'reset-after' || request.fault === 'delay'
  )
}

export interface Subject {
  readonly account: string
  readonly type: ResourceType
  readonly id: string
}

/** The last part of an RDS ARN (`arn:aws:rds:…:snapshot:x` → `x`), or the identifier itself. */
function rdsId(value: unknown): string {
  const text = String(value ?? '')
  const match = /^arn:aws[a-z-]*:rds:[^:]*:(\d{12}):[a-z-]+:(.+)$/.exec(text)
  return match?.[2] ?? text
}

/** The account an RDS ARN names, else the caller's. */
function rdsAccount(value: unknown, caller: string): string {
  const match = /^arn:aws[a-z-]*:rds:[^:]*:(\d{12}):/.exec(String(value ?? ''))
  return match?.[1] ?? caller
}

const ARN_TYPES: Record<string, ResourceType> = {
  cluster: 'db-clusters',
  db: 'db-instances',
  snapshot: 'db-snapshots',
  'cluster-snapshot': 'db-cluster-snapshots',
}

function subject(type: ResourceType, value: unknown, caller: string): Subject {
  return { account: rdsAccount(value, caller), type, id: rdsId(value) }
}

/** What a create call brings into being (AWS refuses it when the name is taken). */
export function createdBy(request: RequestLogEntry): Subject[] {
  const input = request.input as Item
  const account = request.account ?? ''
  switch (request.operation) {
    case 'CreateDBClusterSnapshot':
      return [subject('db-cluster-snapshots', input.DBClusterSnapshotIdentifier, account)]
    case 'CopyDBClusterSnapshot':
      return [subject('db-cluster-snapshots', input.TargetDBClusterSnapshotIdentifier, account)]
    case 'CreateDBSnapshot':
      return [subject('db-snapshots', input.DBSnapshotIdentifier, account)]
    case 'CopyDBSnapshot':
      return [subject('db-snapshots', input.TargetDBSnapshotIdentifier, account)]
    case 'CreateDBCluster':
    case 'RestoreDBClusterToPointInTime':
    case 'RestoreDBClusterFromSnapshot':
      return [subject('db-clusters', input.DBClusterIdentifier, account)]
    case 'CreateDBInstance':
    case 'RestoreDBInstanceFromDBSnapshot':
      return [subject('db-instances', input.DBInstanceIdentifier, account)]
    default:
      return []
  }
}

/**
 * What a call changes besides what it creates: modifications, deletions, shares withdrawn or
 * granted, instances added to a cluster, tags. Creating from a resource (a snapshot of the
 * source, a restore from a snapshot) only reads it. RAM shares are named by ARN.
 */
export function changedBy(request: RequestLogEntry): Subject[] {
  if (
    READ_ONLY.test(request.operation) ||
    request.service === 'sts' ||
    request.service === 'oidc'
  ) {
    return []
  }
  const input = request.input as Item
  const account = request.account ?? ''
  const op = request.operation
  if (request.service === 'ram') {
    const arn = input.resourceShareArn
    return typeof arn === 'string' ? [{ account, type: 'resource-shares', id: arn }] : []
  }
  if (request.service === 'kms') return []
  if (op === 'CreateDBInstance' && input.DBClusterIdentifier !== undefined) {
    return [subject('db-clusters', input.DBClusterIdentifier, account)]
  }
  if (createdBy(request).length > 0) return []
  if (op === 'AddTagsToResource' || op === 'RemoveTagsFromResource') {
    const kind = /^arn:aws[a-z-]*:rds:[^:]*:\d{12}:([a-z-]+):/.exec(String(input.ResourceName))?.[1]
    const type = kind ? ARN_TYPES[kind] : undefined
    return type ? [subject(type, input.ResourceName, account)] : []
  }
  if (/Snapshot/.test(op) && input.DBClusterSnapshotIdentifier !== undefined) {
    return [subject('db-cluster-snapshots', input.DBClusterSnapshotIdentifier, account)]
  }
  if (/Snapshot/.test(op) && input.DBSnapshotIdentifier !== undefined) {
    return [subject('db-snapshots', input.DBSnapshotIdentifier, account)]
  }
  if (/DBInstance/.test(op) && input.DBInstanceIdentifier !== undefined) {
    return [subject('db-instances', input.DBInstanceIdentifier, account)]
  }
  if (/DBCluster/.test(op) && input.DBClusterIdentifier !== undefined) {
    return [subject('db-clusters', input.DBClusterIdentifier, account)]
  }
  return [{ account, type: 'db-clusters', id: `(unrecognised ${op})` }]
}

export function isMutating(request: RequestLogEntry): boolean {
  return createdBy(request).length > 0 || changedBy(request).length > 0
}

/**
 * Calls AWS acted on that changed a resource the caller's workflow run did not create: made
 * before the scenario, or by another run. `owner` maps a request to its workflow run (undefined:
 * nobody's, e.g. STS).
 */
export function unintendedChanges(
  requests: readonly RequestLogEntry[],
  owner: (request: RequestLogEntry) => string | undefined,
): string[] {
  const createdByRun = new Map<string, Set<string>>()
  const found: string[] = []
  for (const request of requests) {
    if (!awsActed(request)) continue
    const run = owner(request)
    if (run === undefined) continue
    const mine = createdByRun.get(run) ?? new Set<string>()
    createdByRun.set(run, mine)
    for (const created of createdBy(request)) mine.add(keyOf(created))
    for (const changed of changedBy(request)) {
      if (!mine.has(keyOf(changed))) {
        found.push(
          `run ${run}: ${request.operation} on ${keyOf(changed)} (not created by this run)`,
        )
      }
    }
  }
  return found
}

// ---------------------------------------------------------------------------------------------
// Secrets.

/**
 * Every secret the simulator knows a run held: signing key ids, OIDC tokens, generated master
 * passwords, the runner's token request secret, the fixture's static secret key. Independent
 * of what the action chose to mask.
 */
export function knownSecrets(sim: Simulator, extra: readonly string[] = []): string[] {
  const secrets = new Set<string>(extra)
  secrets.add(sim.oidc.requestToken)
  for (const request of sim.requests) {
    if (request.accessKeyId?.startsWith('ASIA')) secrets.add(request.accessKeyId)
    const input = request.input as Item
    for (const field of ['WebIdentityToken', 'MasterUserPassword']) {
      if (typeof input[field] === 'string' && input[field] !== '') secrets.add(input[field])
    }
  }
  return [...secrets].filter((s) => s.length >= 6)
}

/** Places a secret shows outside an `::add-mask::` line, in one step (main or post). */
export function leakedSecrets(
  step: Pick<ActionRun, 'log' | 'summary' | 'outputs' | 'state'>,
  secrets: readonly string[],
  name: string,
): string[] {
  const leaks: string[] = []
  const places: Record<string, string> = {
    summary: step.summary,
    outputs: JSON.stringify(step.outputs),
    state: JSON.stringify(step.state),
  }
  for (const secret of secrets) {
    const shown = step.log
      .split('\n')
      .filter((line) => line.includes(secret) && line !== `::add-mask::${secret}`)
    if (shown.length > 0) leaks.push(`${name} log shows a secret (${secret.slice(0, 4)}…)`)
    for (const [place, text] of Object.entries(places)) {
      if (text.includes(secret))
        leaks.push(`${name} ${place} holds a secret (${secret.slice(0, 4)}…)`)
    }
  }
  return leaks
}
