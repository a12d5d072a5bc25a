/** DescribeDBSubnetGroups, DescribeDBClusterParameterGroups, DescribeDBParameterGroups. */
import { AwsError } from '../../core/types.ts'
import type { OperationHandler } from '../../core/types.ts'
import { page, str } from './common.ts'
import type { RdsStore } from './store.ts'

export function placementHandlers(store: RdsStore): Record<string, OperationHandler> {
  return {
    DescribeDBSubnetGroups: (ctx) => {
      const acct = store.account(ctx.account)
      const name = str(ctx.input, 'DBSubnetGroupName')
      if (name !== undefined && !acct.subnetGroups.has(name)) {
        throw new AwsError(
          'DBSubnetGroupNotFoundFault',
          `DB subnet group '${name}' does not exist.`,
          404,
        )
      }
      const groups = [...acct.subnetGroups.values()].filter(
        (g) => name === undefined || g.name === name,
      )
      const { items, Marker } = page(groups, ctx.input)
      return {
        DBSubnetGroups: items.map((g) => ({
          DBSubnetGroupName: g.name,
          DBSubnetGroupDescription: g.name,
          VpcId: g.vpcId,
          SubnetGroupStatus: 'Complete',
          DBSubnetGroupArn: `arn:aws:rds:${store.region}:${ctx.account}:subgrp:${g.name}`,
        })),
        Marker,
      }
    },
    DescribeDBClusterParameterGroups: (ctx) => {
      const acct = store.account(ctx.account)
      const name = str(ctx.input, 'DBClusterParameterGroupName')
      const groups = [...acct.clusterParameterGroups.values()].filter(
        (g) => name === undefined || g.name === name,
      )
      if (name !== undefined && groups.length === 0) {
        throw new AwsError(
          'DBParameterGroupNotFound',
          `DBClusterParameterGroup not found: ${name}`,
          404,
        )
      }
      const { items, Marker } = page(groups, ctx.input)
      return {
        DBClusterParameterGroups: items.map((g) => ({
          DBClusterParameterGroupName: g.name,
          DBParameterGroupFamily: g.family,
          Description: g.name,
          DBClusterParameterGroupArn: `arn:aws:rds:${store.region}:${ctx.account}:cluster-pg:${g.name}`,
        })),
        Marker,
      }
    },
    DescribeDBParameterGroups: (ctx) => {
      const acct = store.account(ctx.account)
      const name = str(ctx.input, 'DBParameterGroupName')
      const groups = [...acct.parameterGroups.values()].filter(
        (g) => name === undefined || g.name === name,
      )
      if (name !== undefined && groups.length === 0) {
        throw new AwsError('DBParameterGroupNotFound', `DBParameterGroup not found: ${name}`, 404)
      }
      const { items, Marker } = page(groups, ctx.input)
      return {
        DBParameterGroups: items.map((g) => ({
          DBParameterGroupName: g.name,
          DBParameterGroupFamily: g.family,
          Description: g.name,
          DBParameterGroupArn: `arn:aws:rds:${store.region}:${ctx.account}:pg:${g.name}`,
        })),
        Marker,
      }
    },
  }
}
