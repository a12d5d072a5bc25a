import type { Settings } from '../../../settings.js'
import type { SourceDatabase, SourceKind } from '../detect.js'
import type { AccountSide } from '../../../engine/types.js'
import {
  requirePlacement,
  subnetGroupVpc,
  type PlacementItem,
  type PlacementKind,
} from '../placement-lookup.js'
import {
  copiesHere,
  PREFLIGHT_STEP,
  refusal,
  sessionOn,
  type Check,
  type PreflightInput,
} from './input.js'

/** The placement inputs, as the user names them. */
export type PlacementInput =
  'db-subnet-group' | 'vpc-security-group-ids' | 'db-cluster-parameter-group' | 'db-parameter-group'

/** Where the copy goes in the destination account, and which parts came from the source. */
export interface Placement {
  readonly subnetGroup?: string
  readonly securityGroupIds?: readonly string[]
  readonly clusterParameterGroup?: string
  readonly parameterGroup?: string
  /** The inputs not set whose value was taken from the source (one account only). */
  readonly inherited: readonly PlacementInput[]
}

/** What placement is read from: the run's settings and source, and whether the accounts match. */
export interface PlacementSource {
  readonly settings: Settings
  readonly sameAccount: boolean
  readonly sourceDb: SourceDatabase
}

/**
 * The placement inputs each kind of copy takes: a cluster's subnet group, security groups and
 * cluster parameter group go on its restore, an Aurora copy's DB parameter group on its
 * instances (CreateDBInstance), a DB instance's on its restore (aws-reference A1, A2, B7, C4, D3).
 */
const APPLIES: Record<SourceKind, readonly PlacementInput[]> = {
  'aurora-cluster': [
    'db-subnet-group',
    'vpc-security-group-ids',
    'db-cluster-parameter-group',
    'db-parameter-group',
  ],
  'multi-az-cluster': ['db-subnet-group', 'vpc-security-group-ids', 'db-cluster-parameter-group'],
  instance: ['db-subnet-group', 'vpc-security-group-ids', 'db-parameter-group'],
}

/**
 * Without these AWS places the copy in the default VPC's default security group (and a DB
 * instance in the default DB parameter group): never taken silently, so across accounts a missing
 * one is refused. The others (the engine's default parameter groups) are named in a warning.
 */
const REQUIRED: Record<SourceKind, readonly PlacementInput[]> = {
  'aurora-cluster': ['db-subnet-group', 'vpc-security-group-ids'],
  'multi-az-cluster': ['db-subnet-group', 'vpc-security-group-ids'],
  instance: ['db-subnet-group', 'vpc-security-group-ids', 'db-parameter-group'],
}

const LABELS: Record<PlacementInput, string> = {
  'db-subnet-group': 'DB subnet group',
  'vpc-security-group-ids': 'VPC security groups',
  'db-cluster-parameter-group': 'DB cluster parameter group',
  'db-parameter-group': 'DB parameter group',
}

/** The source's own placement; only a job that read the source database has it. */
function sourcePlacement(db: SourceDatabase): Record<PlacementInput, string | readonly string[]> {
  const groups = (db.cluster?.VpcSecurityGroups ?? db.instance?.VpcSecurityGroups ?? []).flatMap(
    (g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []),
  )
  return {
    'db-subnet-group':
      db.cluster?.DBSubnetGroup ?? db.instance?.DBSubnetGroup?.DBSubnetGroupName ?? '',
    'vpc-security-group-ids': groups,
    'db-cluster-parameter-group': db.cluster?.DBClusterParameterGroup ?? '',
    'db-parameter-group':
      db.writerParameterGroup ?? db.instance?.DBParameterGroups?.[0]?.DBParameterGroupName ?? '',
  }
}

function givenPlacement(s: Settings): Record<PlacementInput, string | readonly string[]> {
  return {
    'db-subnet-group': s.dbSubnetGroup ?? '',
    'vpc-security-group-ids': s.vpcSecurityGroupIds,
    'db-cluster-parameter-group': s.dbClusterParameterGroup ?? '',
    'db-parameter-group': s.dbParameterGroup ?? '',
  }
}

/**
 * The copy's placement: the inputs; in one account, each one not set is the source's own (its
 * DB subnet group, VPC security groups and parameter groups), and `inherited` says which. Across
 * accounts nothing of the source's exists in the destination, so nothing is taken from it.
 */
export function resolvePlacement(run: PlacementSource): Placement {
  const given = givenPlacement(run.settings)
  // A destination-phase job starts from a shared snapshot: it never saw the source's placement.
  const inherits = run.sameAccount && run.settings.phase !== 'destination'
  const fromSource = inherits ? sourcePlacement(run.sourceDb) : undefined
  const inherited: PlacementInput[] = []
  const value = (name: PlacementInput): string | readonly string[] | undefined => {
    if (given[name].length > 0) return given[name]
    const own = fromSource?.[name]
    if (!APPLIES[run.sourceDb.kind].includes(name) || !own || own.length === 0) return undefined
    inherited.push(name)
    return own
  }
  const placement = {
    subnetGroup: value('db-subnet-group') as string | undefined,
    securityGroupIds: value('vpc-security-group-ids') as readonly string[] | undefined,
    clusterParameterGroup: value('db-cluster-parameter-group') as string | undefined,
    parameterGroup: value('db-parameter-group') as string | undefined,
  }
  return { ...placement, inherited }
}

/** A DB cluster's placement, as its restore (from a snapshot, or to a point in time) takes it. */
export function clusterPlacementMembers(placement: Placement): {
  DBSubnetGroupName?: string
  VpcSecurityGroupIds?: string[]
  DBClusterParameterGroupName?: string
} {
  return {
    DBSubnetGroupName: placement.subnetGroup,
    VpcSecurityGroupIds: placement.securityGroupIds ? [...placement.securityGroupIds] : undefined,
    DBClusterParameterGroupName: placement.clusterParameterGroup,
  }
}

function valueOf(placement: Placement, name: PlacementInput): string | undefined {
  switch (name) {
    case 'db-subnet-group':
      return placement.subnetGroup
    case 'vpc-security-group-ids':
      return placement.securityGroupIds?.join(', ')
    case 'db-cluster-parameter-group':
      return placement.clusterParameterGroup
    case 'db-parameter-group':
      return placement.parameterGroup
  }
}

/** One line for the log and the job summary: where the copy goes, and what came from the source. */
export function describePlacement(run: PlacementSource, placement: Placement): string {
  const parts = APPLIES[run.sourceDb.kind].flatMap((name) => {
    const value = valueOf(placement, name)
    if (value === undefined) return [`${LABELS[name]}: AWS's default`]
    const from = placement.inherited.includes(name) ? " (the source's)" : ''
    return [`${LABELS[name]} ${value}${from}`]
  })
  const inherited =
    placement.inherited.length > 0
      ? `; source and destination are one account and ${placement.inherited.join(', ')} ${placement.inherited.length > 1 ? 'are' : 'is'} not set, so the copy takes the source's`
      : ''
  return `Placement: ${parts.join(', ')}${inherited}`
}

/** The kind of group each input names, for the existence look-up. */
const LOOKUP: Partial<Record<PlacementInput, PlacementKind>> = {
  'db-subnet-group': 'db-subnet-group',
  'db-cluster-parameter-group': 'db-cluster-parameter-group',
  'db-parameter-group': 'db-parameter-group',
}

/**
 * One rule for every method: in one account the copy takes the source's placement for what is
 * not set; across accounts a missing subnet group or security groups (and a DB instance's
 * parameter group) are refused, and missing parameter groups that fall back to the engine's
 * default are named in a warning. Names given as inputs must exist in the destination.
 */
export const checkPlacement: Check = async (input) => {
  if (!copiesHere(input)) return
  const placement = resolvePlacement(input)
  const kind = input.sourceDb.kind
  const unset = APPLIES[kind].filter((name) => valueOf(placement, name) === undefined)
  const missing = unset.filter((name) => REQUIRED[kind].includes(name))
  if (missing.length > 0) {
    throw refusal(input, 'destination', {
      summary: `The copy's placement in the destination account ${input.destination.accountId} is not set: ${missing.join(', ')}`,
      hint: `Set ${missing.join(', ')}: otherwise AWS would put the copy in the default VPC's default security group${kind === 'instance' ? ' and default parameter group' : ''}, which the action never does silently.${input.sameAccount ? '' : " Across accounts nothing of the source's placement exists in the destination, so none is taken from it."}`,
    })
  }
  if (unset.length > 0) {
    input.log.warning(
      `No ${unset.join(', ')}: the copy in account ${input.destination.accountId} gets the engine's default ${unset.map((name) => LABELS[name]).join(' and ')}. Set ${unset.length > 1 ? 'them' : 'it'} to give the copy the parameters your workloads expect.`,
    )
  }
  await requirePlacementOn(
    input,
    'destination',
    APPLIES[kind].flatMap((name) => {
      const lookup = LOOKUP[name]
      // What the source itself uses exists; only names the user typed are looked up.
      if (!lookup || placement.inherited.includes(name)) return []
      return [{ input: name, kind: lookup, name: valueOf(placement, name) }]
    }),
  )
  await checkInheritedGroupsFit(input, placement)
  // RDS cannot list VPC security groups (that is EC2); the create call names a missing one.
  input.log.info(describePlacement(input, placement))
}

/** The named subnet groups and parameter groups must exist on that side: refused otherwise. */
export function requirePlacementOn(
  input: PreflightInput,
  side: AccountSide,
  items: readonly PlacementItem[],
): Promise<void> {
  return requirePlacement({
    session: sessionOn(input, side),
    side,
    region: input.settings.region,
    step: PREFLIGHT_STEP,
    warn: (message) => input.log.warning(message),
    items,
  })
}

/**
 * Security groups belong to one VPC: the source's fit a db-subnet-group given as input only when
 * that subnet group is in the source's VPC. AWS would refuse the create otherwise, after the
 * snapshots of a relay exist.
 */
async function checkInheritedGroupsFit(input: PreflightInput, placement: Placement): Promise<void> {
  const inheritsGroups = placement.inherited.includes('vpc-security-group-ids')
  const given = placement.inherited.includes('db-subnet-group') ? undefined : placement.subnetGroup
  const own = sourcePlacement(input.sourceDb)['db-subnet-group'] as string
  if (!inheritsGroups || !given || !own || given.toLowerCase() === own.toLowerCase()) return
  const [theirs, ours] = [
    await subnetGroupVpc(input.destination, given),
    await subnetGroupVpc(input.destination, own),
  ]
  if (theirs.refused || ours.refused) {
    input.log.warning(
      `could not compare the VPC of db-subnet-group ${given} with that of the source's subnet group ${own} (${theirs.refused ?? ours.refused ?? ''}): the copy takes the source's security groups, which fit only a subnet group in the source's VPC. Allow rds:DescribeDBSubnetGroups, or set vpc-security-group-ids.`,
    )
    return
  }
  if (theirs.vpcId === ours.vpcId) return
  throw refusal(input, 'destination', {
    summary: `db-subnet-group ${given} is in VPC ${theirs.vpcId ?? 'unknown'}, but the security groups the copy would take from the source belong to VPC ${ours.vpcId ?? 'unknown'} (subnet group ${own})`,
    hint: `Set vpc-security-group-ids to security groups of VPC ${theirs.vpcId ?? 'of that subnet group'}, or leave db-subnet-group unset to keep the source's.`,
  })
}
