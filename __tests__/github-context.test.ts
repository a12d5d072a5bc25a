import { describe, expect, it } from '@jest/globals'
import { githubContext } from '../__fixtures__/github-context.js'
import { runContextOf } from '../src/github/context.js'
import { defaultSessionName } from '../src/github/session-name.js'
import { testSettings } from '../__fixtures__/settings.js'
import { parseSettings } from '../src/inputs.js'
import {
  managedTags,
  MAX_TAGS_PER_RESOURCE,
  MAX_USER_TAGS,
  Purpose,
  resourceTags,
  TagKeys,
  tagValue,
} from '../src/tags.js'

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_WORKFLOW: 'CI (preview) #1',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_ACTOR: 'dependabot[bot]',
}

const prPayload = (head: string | null, number = 17) => ({
  pull_request: {
    number,
    head: { repo: head === null ? null : { full_name: head } },
    base: { repo: { full_name: 'acme/app' } },
  },
})

describe('run context from @actions/github', () => {
  it('reads a pull request run: number, commit, actor, not a fork', () => {
    const run = runContextOf(
      githubContext({ ...RUN_ENV, GITHUB_EVENT_NAME: 'pull_request' }, prPayload('acme/app')),
    )
    expect(run).toMatchObject({
      repository: 'acme/app',
      runId: '4242',
      runAttempt: '2',
      pullRequest: 17,
      sha: RUN_ENV.GITHUB_SHA,
      actor: 'dependabot[bot]',
      eventName: 'pull_request',
    })
    expect(run.fork).toBeUndefined()
  })

  it('tells a fork pull request (another head repository, or a deleted fork)', () => {
    for (const head of ['someone/app', null]) {
      const github = githubContext(
        { ...RUN_ENV, GITHUB_EVENT_NAME: 'pull_request' },
        prPayload(head),
      )
      expect(runContextOf(github).fork).toBe(true)
    }
    const target = githubContext(
      { ...RUN_ENV, GITHUB_EVENT_NAME: 'pull_request_target' },
      prPayload('someone/app'),
    )
    expect(runContextOf(target).fork).toBeUndefined()
  })

  it('a comment on a pull request names it; a comment on an issue does not', () => {
    const onPr = githubContext(
      { ...RUN_ENV, GITHUB_EVENT_NAME: 'issue_comment' },
      { issue: { number: 5, pull_request: { url: 'x' } } },
    )
    expect(runContextOf(onPr).pullRequest).toBe(5)
    const onIssue = githubContext(
      { ...RUN_ENV, GITHUB_EVENT_NAME: 'issue_comment' },
      { issue: { number: 5 } },
    )
    expect(runContextOf(onIssue).pullRequest).toBeUndefined()
  })

  it('schedule, workflow_dispatch and runs outside Actions: nothing breaks, nothing invented', () => {
    const schedule = runContextOf(githubContext({ ...RUN_ENV, GITHUB_EVENT_NAME: 'schedule' }))
    expect(schedule.pullRequest).toBeUndefined()
    const local = runContextOf(githubContext())
    expect(local).toMatchObject({ repository: '', runId: '', runAttempt: '1' })
    expect(local.sha).toBeUndefined()
    expect(defaultSessionName(local)).toBe('rds-refresh')
  })
})

describe('default role session name', () => {
  it('keeps the run first and cuts a long repository at 64 characters', () => {
    const name = defaultSessionName({
      ...runContextOf(githubContext({ ...RUN_ENV, GITHUB_REPOSITORY: `acme/${'x'.repeat(80)}` })),
      pullRequest: 123456,
    })
    expect(name).toHaveLength(64)
    expect(name).toMatch(/^rds-refresh-4242-2-pr123456-acme\.x+$/)
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/)
  })
})

describe('context tags', () => {
  const tagsOf = (env: Record<string, string>, payload = {}) =>
    Object.fromEntries(
      managedTags({
        settings: testSettings({ run: runContextOf(githubContext(env, payload)) }),
        sourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:prod',
        now: new Date(0),
      }).tags.map((t) => [t.Key, t.Value]),
    )

  it('tags repository, workflow, run, pull request, commit and actor, in AWS tag characters', () => {
    const tags = tagsOf({ ...RUN_ENV, GITHUB_EVENT_NAME: 'pull_request' }, prPayload('acme/app'))
    expect(tags).toMatchObject({
      [TagKeys.repository]: 'acme/app',
      [TagKeys.runId]: '4242-2',
      [TagKeys.workflow]: 'CI _preview_ _1',
      [TagKeys.pullRequest]: '17',
      [TagKeys.commit]: RUN_ENV.GITHUB_SHA,
      [TagKeys.actor]: 'dependabot_bot_',
    })
    for (const value of Object.values(tags)) expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u)
  })

  it('leaves out what a schedule run does not have', () => {
    const tags = tagsOf({ GITHUB_RUN_ID: '9', GITHUB_EVENT_NAME: 'schedule' })
    expect(tags[TagKeys.pullRequest]).toBeUndefined()
    expect(tags[TagKeys.actor]).toBeUndefined()
    expect(tags[TagKeys.repository]).toBe('unknown')
  })

  it('makes any text a valid tag value', () => {
    expect(tagValue('aws:thing')).toBe('_aws:thing')
    expect(tagValue('Déploiement ✓ 日本')).toBe('Déploiement _ 日本')
    expect([...tagValue('é'.repeat(300))]).toHaveLength(256)
  })

  it('keeps every resource within 50 tags, with the most user tags the input allows', () => {
    const userTags = (count: number) =>
      Array.from({ length: count }, (_, i) => `key${i}=value${i}`).join('\n')
    const settings = parseSettings(
      {
        'aws-region': 'us-east-1',
        source: 'prod',
        target: 'copy',
        tags: userTags(MAX_USER_TAGS),
        ttl: '1d',
      },
      {},
      undefined,
      githubContext({ ...RUN_ENV, GITHUB_EVENT_NAME: 'pull_request' }, prPayload('acme/app')),
    )
    const { tags } = managedTags({
      settings,
      sourceArn: 'arn:aws:rds:us-east-1:1:cluster:p',
      now: new Date(0),
    })
    const all = resourceTags(tags, { purpose: Purpose.copy, target: 'copy' })
    expect(all).toHaveLength(MAX_TAGS_PER_RESOURCE)
    expect(() =>
      parseSettings(
        { 'aws-region': 'us-east-1', tags: userTags(MAX_USER_TAGS + 1) },
        {},
        undefined,
        githubContext(),
      ),
    ).toThrow(`at most ${MAX_USER_TAGS}`)
  })
})
