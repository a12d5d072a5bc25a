import * as core from '@actions/core'
import type { Tag } from '@aws-sdk/client-rds'
import { findCluster, findInstance, readTags } from '../aws/rds-read.js'
import { ActionError } from '../errors.js'
import type { CopyResult } from '../result.js'
import { isManaged, TagKeys } from '../tags.js'
import type { RefreshContext } from './context.js'

/**
 * Look for the target in the destination before creating anything. Under `if-exists: fail` an
 * existing target stops the run; under `reuse` a copy this action manages is reported as it is.
 * `replace` is decided before (lifecycle/replace.ts). A target this action does not manage is
 * never touched.
 */
export async function findExistingTarget(ctx: RefreshContext): Promise<CopyResult | undefined> {
  const rds = ctx.destination.clients.rds
  const target = ctx.names.target
  const cluster = await findCluster(rds, target)
  const instance = cluster ? undefined : await findInstance(rds, target)
  if (!cluster && !instance) return undefined

  const arn = cluster?.DBClusterArn ?? instance?.DBInstanceArn ?? target
  const where = {
    resource: arn,
    side: 'destination' as const,
    accountId: ctx.destination.accountId,
  }
  const mode = ctx.settings.ifExists
  if (mode === 'fail') {
    throw new ActionError({
      summary: `Target ${target} already exists in the destination account`,
      ...where,
      hint: 'Use if-exists: reuse to keep a managed copy, if-exists: replace for a fresh one under the same name, or choose another target.',
    })
  }
  const tags = cluster?.TagList ?? instance?.TagList ?? (await readTags(rds, arn))
  requireManaged({ target, tags, where, purpose: mode })
  const expiry = tags?.find((t) => t.Key === TagKeys.expiresAt)?.Value
  warnIfDifferent(ctx, {
    source: tags?.find((t) => t.Key === TagKeys.source)?.Value,
    status: cluster?.Status ?? instance?.DBInstanceStatus,
  })
  if (cluster) {
    return {
      kind: 'cluster',
      identifier: cluster.DBClusterIdentifier ?? target,
      arn,
      endpoint: cluster.Endpoint,
      readerEndpoint: cluster.ReaderEndpoint,
      port: cluster.Port,
      engine: cluster.Engine,
      engineVersion: cluster.EngineVersion,
      masterUsername: cluster.MasterUsername,
      masterUserSecretArn: cluster.MasterUserSecret?.SecretArn,
      instanceIdentifiers: (cluster.DBClusterMembers ?? [])
        .map((m) => m.DBInstanceIdentifier ?? '')
        .filter(Boolean),
      method: ctx.method,
      created: false,
      expiresAt: expiry ? new Date(expiry) : undefined,
    }
  }
  return {
    kind: 'instance',
    identifier: instance?.DBInstanceIdentifier ?? target,
    arn,
    endpoint: instance?.Endpoint?.Address,
    port: instance?.Endpoint?.Port,
    engine: instance?.Engine,
    engineVersion: instance?.EngineVersion,
    masterUsername: instance?.MasterUsername,
    masterUserSecretArn: instance?.MasterUserSecret?.SecretArn,
    instanceIdentifiers: [instance?.DBInstanceIdentifier ?? target],
    method: ctx.method,
    created: false,
    expiresAt: expiry ? new Date(expiry) : undefined,
  }
}

/**
 * The one ownership check for an existing copy: reuse, replace and delete act only on a resource
 * carrying this action's managed tag, read from the resource itself in the destination account.
 * Ownership is never inferred from a name.
 */
export function requireManaged(options: {
  target: string
  tags: readonly Tag[] | undefined
  where: { resource: string; side: 'destination'; accountId: string }
  purpose: 'reuse' | 'replace' | 'delete'
}): void {
  if (isManaged(options.tags)) return
  const { target, where, purpose } = options
  throw new ActionError({
    summary: `Target ${target} exists but was not created by rds-refresh (no ${TagKeys.managed}=true tag), so it is left untouched: ${purpose} acts only on copies carrying that tag`,
    ...where,
    hint: 'Choose another target name; the action only reuses, replaces or deletes copies it manages (tagged rds-refresh:managed=true by the run that made them).',
  })
}

/** Reuse reports the copy as it is; say so when it is not what this run would have made. */
function warnIfDifferent(ctx: RefreshContext, found: { source?: string; status?: string }): void {
  const target = ctx.names.target
  core.info(`Reusing ${target} (if-exists: reuse): it is reported as it is, nothing is created`)
  if (found.source && found.source !== ctx.sourceDb.arn) {
    core.warning(
      `${target} was copied from ${found.source}, not from ${ctx.sourceDb.arn}; it is reused as it is. Use another target for a copy of this source.`,
    )
  }
  if (found.status && found.status !== 'available') {
    core.warning(`${target} is ${found.status}, not available; its endpoints may not answer yet.`)
  }
}
