/** DescribeAccountAttributes: the account's RDS quotas and what it uses of them. */
import type { OperationHandler } from '../../core/types.ts'
import type { RdsStore } from './store.ts'

export function accountHandlers(store: RdsStore): Record<string, OperationHandler> {
  return {
    DescribeAccountAttributes: (ctx) => {
      const acct = store.account(ctx.account)
      const quota = (name: string, used: number, max: number) => ({
        AccountQuotaName: name,
        Used: used,
        Max: max,
      })
      return {
        AccountQuotas: [
          quota('DBClusters', acct.clusters.size, acct.quotas.clusters),
          quota('DBInstances', acct.instances.size, acct.quotas.instances),
          quota(
            'ManualSnapshots',
            store.manualSnapshotCount(ctx.account, 'db-snapshot'),
            acct.quotas.manualSnapshots,
          ),
          quota(
            'ManualClusterSnapshots',
            store.manualSnapshotCount(ctx.account, 'db-cluster-snapshot'),
            acct.quotas.manualClusterSnapshots,
          ),
        ],
      }
    },
  }
}
