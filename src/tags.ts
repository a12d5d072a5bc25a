import type { Tag } from '@aws-sdk/client-rds'
import type { Settings } from './settings.js'

/** Tag keys the action owns; `replace`, `delete` and `sweep` act only on resources carrying MANAGED. */
export const TagKeys = {
  managed: 'rds-refresh:managed',
  repository: 'rds-refresh:repository',
  runId: 'rds-refresh:run-id',
  source: 'rds-refresh:source',
  expiresAt: 'rds-refresh:expires-at',
} as const

export function managedTags(options: { settings: Settings; sourceArn: string; now: Date }): {
  tags: Tag[]
  expiresAt?: Date
} {
  const { settings, sourceArn, now } = options
  const expiresAt =
    settings.ttlSeconds === undefined
      ? undefined
      : new Date(now.getTime() + settings.ttlSeconds * 1000)
  const tags: Tag[] = [
    { Key: TagKeys.managed, Value: 'true' },
    { Key: TagKeys.repository, Value: settings.run.repository || 'unknown' },
    {
      Key: TagKeys.runId,
      Value: `${settings.run.runId || 'local'}-${settings.run.runAttempt || '1'}`,
    },
    { Key: TagKeys.source, Value: sourceArn },
    ...(expiresAt ? [{ Key: TagKeys.expiresAt, Value: expiresAt.toISOString() }] : []),
    ...settings.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
  ]
  return { tags, expiresAt }
}

export function isManaged(tags: readonly Tag[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.Key === TagKeys.managed && tag.Value === 'true')
}
