import {
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
} from '@aws-sdk/client-rds'
import type { AccountSession } from '../../credentials.js'
import type { AccountSide } from '../../engine/types.js'
import { ActionError, awsErrorCode, errorMessage, isAccessDenied } from '../../errors.js'

/** The placement names the action passes to a create call, by what they name. */
export type PlacementKind = 'db-subnet-group' | 'db-cluster-parameter-group' | 'db-parameter-group'

/** One placement input to look up: the input that named it (for the message) and its name. */
export interface PlacementItem {
  readonly input: string
  readonly kind: PlacementKind
  readonly name: string | undefined
}

export interface PlacementLookup {
  /** The account the resource is created in, where the names must exist. */
  readonly session: AccountSession
  readonly side: AccountSide
  readonly region: string
  readonly items: readonly PlacementItem[]
  /** The step reported in a refusal (the relay's pre-flight step). */
  readonly step?: string
  readonly warn: (message: string) => void
}

/** Wire codes (and shape names) of "no such subnet group / parameter group" in the RDS model. */
const MISSING = new Set([
  'DBSubnetGroupNotFoundFault',
  'DBParameterGroupNotFound',
  'DBParameterGroupNotFoundFault',
])

/** The IAM action that reads each kind, named when a role may not read it. */
const DESCRIBE_ACTION: Record<PlacementKind, string> = {
  'db-subnet-group': 'rds:DescribeDBSubnetGroups',
  'db-cluster-parameter-group': 'rds:DescribeDBClusterParameterGroups',
  'db-parameter-group': 'rds:DescribeDBParameterGroups',
}

function describe(session: AccountSession, item: PlacementItem & { name: string }) {
  const rds = session.clients.rds
  switch (item.kind) {
    case 'db-subnet-group':
      return rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: item.name }))
    case 'db-cluster-parameter-group':
      return rds.send(
        new DescribeDBClusterParameterGroupsCommand({ DBClusterParameterGroupName: item.name }),
      )
    case 'db-parameter-group':
      return rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: item.name }))
  }
}

/**
 * Looks up, before anything is created, each named subnet group and parameter group in the
 * account the copy (or the relay's temporary instance) is created in, and refuses a name that
 * does not exist there: otherwise the create call finds out, after a RAM share or snapshots
 * already exist. A role that may not read them gets a warning naming what was not checked.
 * VPC security groups are EC2 resources that RDS permissions cannot describe: the create call
 * names a missing one.
 */
export async function requirePlacement(lookup: PlacementLookup): Promise<void> {
  for (const item of lookup.items) {
    if (item.name === undefined) continue
    try {
      await describe(lookup.session, { ...item, name: item.name })
    } catch (error) {
      const code = awsErrorCode(error)
      if (isAccessDenied(error)) {
        lookup.warn(
          `could not check that ${item.input} ${item.name} exists in the ${lookup.side} account ${lookup.session.accountId} (${code ?? 'AccessDenied'}): allow ${DESCRIBE_ACTION[item.kind]} to the ${lookup.side} role so a wrong name is refused before anything is created`,
        )
        continue
      }
      if (!MISSING.has(code ?? '')) throw error
      throw new ActionError({
        summary: `${item.input} ${item.name} does not exist in the ${lookup.side} account ${lookup.session.accountId} (region ${lookup.region})`,
        step: lookup.step,
        side: lookup.side,
        accountId: lookup.session.accountId,
        resource: item.name,
        code,
        awsMessage: errorMessage(error),
        hint: `Create it in the ${lookup.side} account, or set ${item.input} to one that exists there. Nothing was created.`,
      })
    }
  }
}

/** The VPC of a DB subnet group, or why it could not be read (AccessDenied only). */
export async function subnetGroupVpc(
  session: AccountSession,
  name: string,
): Promise<{ readonly vpcId?: string; readonly refused?: string }> {
  try {
    const out = await session.clients.rds.send(
      new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name }),
    )
    return { vpcId: out.DBSubnetGroups?.[0]?.VpcId }
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    return { refused: awsErrorCode(error) ?? 'AccessDenied' }
  }
}
