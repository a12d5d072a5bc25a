/** AddTagsToResource, RemoveTagsFromResource, ListTagsForResource (by ARN, caller's resources). */
import { AwsError } from '../../core/types.ts'
import type { CallContext, OperationHandler } from '../../core/types.ts'
import { checkTags, mergeTags, parseRdsArn, str, strList, tagsOf } from './common.ts'
import type { AnyRecord } from './records.ts'
import type { RdsStore } from './store.ts'

export function tagHandlers(store: RdsStore): Record<string, OperationHandler> {
  return {
    AddTagsToResource: (ctx) => {
      const record = taggable(store, ctx)
      record.tags = checkTags(mergeTags(record.tags, tagsOf(ctx.input)))
      return {}
    },
    RemoveTagsFromResource: (ctx) => {
      const record = taggable(store, ctx)
      const keys = strList(ctx.input, 'TagKeys') ?? []
      record.tags = record.tags.filter((t) => !keys.includes(t.Key))
      return {}
    },
    ListTagsForResource: (ctx) => ({ TagList: taggable(store, ctx).tags.map((t) => ({ ...t })) }),
  }
}

const NOT_FOUND: Record<string, [string, string, number]> = {
  cluster: ['DBClusterNotFoundFault', 'DBCluster', 404],
  db: ['DBInstanceNotFound', 'DBInstance', 404],
  snapshot: ['DBSnapshotNotFound', 'DBSnapshot', 404],
  'cluster-snapshot': ['DBClusterSnapshotNotFoundFault', 'DBClusterSnapshot', 404],
}

function taggable(store: RdsStore, ctx: CallContext): AnyRecord {
  const name = str(ctx.input, 'ResourceName') as string
  const arn = parseRdsArn(name)
  const notFound = arn ? NOT_FOUND[arn.kind] : undefined
  if (!arn || !notFound) {
    throw new AwsError(
      'InvalidParameterValue',
      `The specified resource name does not match an RDS resource in this region: ${name}`,
      400,
    )
  }
  const acct = store.account(arn.account)
  const maps: Record<string, Map<string, AnyRecord>> = {
    cluster: acct.clusters,
    db: acct.instances,
    snapshot: acct.snapshots,
    'cluster-snapshot': acct.clusterSnapshots,
  }
  const record = arn.account === ctx.account ? maps[arn.kind]?.get(arn.identifier) : undefined
  if (!record)
    throw new AwsError(notFound[0], `${notFound[1]} ${arn.identifier} not found.`, notFound[2])
  return record
}
