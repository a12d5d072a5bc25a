import type { Tag } from '@aws-sdk/client-rds'
import type { RunContext, Settings } from './settings.js'

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
  /**
   * A copy's build state: `building` from its create call, `ready` once its run has finished it
   * (password set, endpoints read). `reuse` adopts only a ready copy (or one older than the tag).
   */
  state: 'rds-refresh:state',
  /** The run that made it, from `@actions/github`'s context (github/context.ts). */
  workflow: 'rds-refresh:workflow',
  pullRequest: 'rds-refresh:pull-request',
  commit: 'rds-refresh:commit',
  actor: 'rds-refresh:actor',
} as const

/**
 * RDS allows 50 tags per resource ("Tagging Amazon RDS resources": "A resource can have a
 * maximum of 50 tags"); the action's own keys take their share, the `tags` input the rest.
 */
export const MAX_TAGS_PER_RESOURCE = 50
export const MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - Object.keys(TagKeys).length

/** Values of the state tag. */
export const CopyState = { building: 'building', ready: 'ready' } as const

/**
 * Values of the purpose tag: the database the user asked for, an intermediate of one run
 * (temporary instance, relay snapshots), the snapshot a source-phase job hands over, a relay
 * snapshot kept on request (`keep-snapshots`), which `sweep` treats like a copy, or the copy a
 * replace swapped out and is deleting (`sweep` removes one whose deletion never finished).
 */
export const Purpose = {
  copy: 'copy',
  intermediate: 'intermediate',
  handoff: 'handoff',
  kept: 'kept',
  retired: 'retired',
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
    { Key: TagKeys.repository, Value: tagValue(settings.run.repository) || 'unknown' },
    { Key: TagKeys.runId, Value: runIdOf(settings.run) },
    { Key: TagKeys.source, Value: sourceArn },
    ...runTags(settings.run),
    ...(expiresAt ? [{ Key: TagKeys.expiresAt, Value: expiresAt.toISOString() }] : []),
    ...settings.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
  ]
  return { tags, expiresAt }
}

/** Workflow, pull request, commit and actor: each only when the run has it. */
function runTags(run: RunContext): Tag[] {
  const values: [string, string | undefined][] = [
    [TagKeys.workflow, run.workflow],
    [TagKeys.pullRequest, run.pullRequest?.toString()],
    [TagKeys.commit, run.sha],
    [TagKeys.actor, run.actor],
  ]
  return values
    .map(([Key, value]) => ({ Key, Value: tagValue(value ?? '') }))
    .filter((tag) => tag.Value !== '')
}

/**
 * The characters of tag keys and values (RDS API reference, Tag: "the set of Unicode letters,
 * digits, white-space, '_', '.', ':', '/', '=', '+', '-', '@'"), as a regular expression class.
 */
export const TAG_CHARACTER_CLASS = '\\p{L}\\p{Z}\\p{N}_.:/=+\\-@'
const TAG_VALUE_DISALLOWED = new RegExp(`[^${TAG_CHARACTER_CLASS}]`, 'gu')
const TAG_VALUE_MAX = 256

/**
 * `text` as a tag value AWS accepts: disallowed characters (a workflow named `CI (PR) #1`, an
 * actor `dependabot[bot]`) become `_`, a reserved `aws:`/`rds:` prefix is broken with `_`, and
 * the value is cut at 256 characters (code points, as AWS counts them).
 */
export function tagValue(text: string): string {
  const allowed = text.trim().replace(TAG_VALUE_DISALLOWED, '_')
  const unreserved = /^(?:aws|rds):/i.test(allowed) ? `_${allowed}` : allowed
  return [...unreserved].slice(0, TAG_VALUE_MAX).join('')
}

/** The value of the run-id tag: `<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>` (`local-1` outside Actions). */
export function runIdOf(run: RunContext): string {
  return `${run.runId || 'local'}-${run.runAttempt || '1'}`
}

/**
 * The tags of one created resource: the run's tags, what it is for, and the target it was made
 * for (lower case) when the run has one. The ownership proofs (aws/ownership.ts) read them back.
 */
export function resourceTags(
  base: readonly Tag[],
  options: { purpose: Purpose; target?: string },
): Tag[] {
  return [
    ...base,
    { Key: TagKeys.purpose, Value: options.purpose },
    ...(options.target ? [{ Key: TagKeys.target, Value: options.target.toLowerCase() }] : []),
    ...(options.purpose === Purpose.copy
      ? [{ Key: TagKeys.state, Value: CopyState.building }]
      : []),
  ]
}

/** "This action manages it": the managed tag (`replace`, `delete`, `sweep`, `reuse`). */
export function isManaged(tags: readonly Tag[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.Key === TagKeys.managed && tag.Value === 'true')
}
