/**
 * A stand-in for the part of GitHub's REST API the action uses (the runner's `GITHUB_API_URL`):
 * a pull request's issue comments, listed, created and updated, under a job token that can write
 * (`pull-requests: write`) or only read (a fork's pull request, or a job without the permission).
 * Rules and their sources: sim/README.md, "GitHub REST API stand-in".
 */
import { randomBytes } from 'node:crypto'
import type { RawRequest, WireResponse } from './protocols/types.ts'

/** Path prefix of the API: `GITHUB_API_URL` is `<simulator url>/_github`. */
export const githubApiPath = '/_github'

/** "body ... maximum is 65536 characters" (GitHub's 422 for a longer comment). */
export const COMMENT_BODY_MAX = 65536
const PER_PAGE_DEFAULT = 30
const PER_PAGE_MAX = 100

export interface IssueComment {
  readonly id: number
  body: string
  readonly user: { readonly login: string; readonly type: 'Bot' | 'User' }
  readonly created_at: string
  updated_at: string
  readonly html_url: string
}

export interface GitHubApi {
  /** A job token with `pull-requests: write`. */
  readonly writeToken: string
  /** A job token that may read but not write (403 on create and update). */
  readonly readToken: string
  /** Opens pull request `number` in `repository` (`owner/name`); only open ones take comments. */
  openPullRequest(repository: string, number: number): void
  /** Adds a comment as someone else (a person on the pull request). */
  addComment(repository: string, number: number, body: string, login?: string): IssueComment
  /** The comments on a pull request, oldest first. */
  comments(repository: string, number: number): readonly IssueComment[]
  /** Answers one request under `githubApiPath`; `operation` names it for the request log. */
  answer(raw: RawRequest): { operation: string; response: WireResponse; error?: string }
}

const BOT = { login: 'github-actions[bot]', type: 'Bot' } as const

export function createGitHubApi(): GitHubApi {
  const writeToken = `ghs_${randomBytes(18).toString('hex')}`
  const readToken = `ghs_${randomBytes(18).toString('hex')}`
  const threads = new Map<string, IssueComment[]>()
  const byId = new Map<number, { repository: string; comment: IssueComment }>()
  let nextId = 1000

  const key = (repository: string, number: number): string => `${repository}#${number}`
  const add = (
    repository: string,
    number: number,
    body: string,
    user: IssueComment['user'],
  ): IssueComment => {
    const now = new Date().toISOString()
    const id = nextId++
    const comment: IssueComment = {
      id,
      body,
      user,
      created_at: now,
      updated_at: now,
      html_url: `https://github.com/${repository}/pull/${number}#issuecomment-${id}`,
    }
    threads.get(key(repository, number))?.push(comment)
    byId.set(id, { repository, comment })
    return comment
  }

  return {
    writeToken,
    readToken,
    openPullRequest(repository, number) {
      if (!threads.has(key(repository, number))) threads.set(key(repository, number), [])
    },
    addComment(repository, number, body, login = 'octocat') {
      this.openPullRequest(repository, number)
      return add(repository, number, body, { login, type: 'User' })
    },
    comments: (repository, number) => threads.get(key(repository, number)) ?? [],
    answer(raw) {
      const path = raw.path.slice(githubApiPath.length)
      const list = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(path)
      const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(path)
      const operation =
        list && raw.method === 'GET'
          ? 'ListIssueComments'
          : list && raw.method === 'POST'
            ? 'CreateIssueComment'
            : one && raw.method === 'PATCH'
              ? 'UpdateIssueComment'
              : `${raw.method} ${path}`
      const token = bearer(raw)
      if (token !== writeToken && token !== readToken) {
        return { operation, ...failure(401, 'Bad credentials') }
      }
      if (list) {
        const [, repository = '', number = ''] = list
        const thread = threads.get(key(repository, Number(number)))
        if (!thread) return { operation, ...failure(404, 'Not Found') }
        if (raw.method === 'GET') return { operation, response: page(raw, thread) }
        if (raw.method === 'POST') {
          if (token !== writeToken)
            return { operation, ...notAccessible('create-an-issue-comment') }
          const body = commentBodyOf(raw)
          if (typeof body !== 'string') return { operation, ...body }
          return { operation, response: json(201, add(repository, Number(number), body, BOT)) }
        }
      }
      if (one && raw.method === 'PATCH') {
        const [, repository = '', id = ''] = one
        const found = byId.get(Number(id))
        if (!found || found.repository !== repository) {
          return { operation, ...failure(404, 'Not Found') }
        }
        if (token !== writeToken) return { operation, ...notAccessible('update-an-issue-comment') }
        const body = commentBodyOf(raw)
        if (typeof body !== 'string') return { operation, ...body }
        found.comment.body = body
        found.comment.updated_at = new Date().toISOString()
        return { operation, response: json(200, found.comment) }
      }
      return { operation, ...failure(404, 'Not Found') }
    },
  }
}

/** `Authorization: token <t>` (what `@actions/github` sends) or `Bearer <t>`. */
function bearer(raw: RawRequest): string | undefined {
  const [scheme = '', token] = (raw.headers.authorization ?? '').split(' ')
  return ['token', 'bearer'].includes(scheme.toLowerCase()) ? token : undefined
}

/** A create's or an update's comment body, or GitHub's 422 when it is missing or too long. */
function commentBodyOf(raw: RawRequest): string | ReturnType<typeof invalid> {
  const body = bodyOf(raw)
  if (typeof body !== 'string') return invalid('body is missing')
  if (body.length > COMMENT_BODY_MAX) {
    return invalid(`body is too long (maximum is ${COMMENT_BODY_MAX} characters)`)
  }
  return body
}

function bodyOf(raw: RawRequest): unknown {
  try {
    return (JSON.parse(raw.body) as { body?: unknown }).body
  } catch {
    return undefined
  }
}

/** One page of a list, with GitHub's `Link` header naming the next and last pages. */
function page(raw: RawRequest, items: readonly IssueComment[]): WireResponse {
  const perPage = Math.min(
    Math.max(Number(raw.query.get('per_page') ?? PER_PAGE_DEFAULT) || PER_PAGE_DEFAULT, 1),
    PER_PAGE_MAX,
  )
  const current = Math.max(Number(raw.query.get('page') ?? 1) || 1, 1)
  const last = Math.max(Math.ceil(items.length / perPage), 1)
  const pageUrl = (n: number): string => {
    const query = new URLSearchParams(raw.query)
    query.set('per_page', String(perPage))
    query.set('page', String(n))
    return `<http://${raw.headers.host ?? '127.0.0.1'}${raw.path}?${query.toString()}>`
  }
  const links =
    current < last ? [`${pageUrl(current + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`] : []
  const response = json(200, items.slice((current - 1) * perPage, current * perPage))
  return links.length === 0
    ? response
    : { ...response, headers: { ...response.headers, link: links.join(', ') } }
}

function json(status: number, value: unknown): WireResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) }
}

function failure(status: number, message: string): { response: WireResponse; error: string } {
  return {
    response: json(status, {
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
    }),
    error: String(status),
  }
}

/** GitHub's answer to a write the job token may not make. */
function notAccessible(operation: string): { response: WireResponse; error: string } {
  return {
    response: json(403, {
      message: 'Resource not accessible by integration',
      documentation_url: `https://docs.github.com/rest/issues/comments#${operation}`,
      status: '403',
    }),
    error: '403',
  }
}

function invalid(message: string): { response: WireResponse; error: string } {
  return {
    response: json(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }],
      documentation_url: 'https://docs.github.com/rest/issues/comments',
      status: '422',
    }),
    error: '422',
  }
}
