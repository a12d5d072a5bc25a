import type { Tag } from '@aws-sdk/client-rds'
import type { Settings } from './settings.js'

/** Tag keys the action owns; `replace`, `delete` and `sweep` act only on resources carrying MANAGED. */
export const TagKeys = {
  managed: 'rds-refresh:managed',
  repository: 'rds-refresh:repository',
  runId: 'rds-refresh:run-id',
  source: 'rds-refresh:source',
  /** The target (lower case) a resource was made for: a copy, or the hand-off snapshot of a split job. */
  target: 'rds-refresh:target',
  /** What the resource is for; `sweep` tells leftovers from copies by it (see Purpose). */
  purpose: 'rds-refresh:purpose',
  expiresAt: 'rds-refresh:expires-at',
} as const

/**
 * Values of the purpose tag: the database the user asked for, an intermediate of one run
 * (temporary instance, relay snapshots), or the snapshot a source-phase job hands over.
 */
export const Purpose = {
  copy: 'copy',
  intermediate: 'intermediate',
  handoff: 'handoff',
} as const
export type Purpose = (typeof Purpose)[keyof typeof Purpose]

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
