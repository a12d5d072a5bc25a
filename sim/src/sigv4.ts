/**
 * AWS Signature Version 4 (header form), as the AWS SDK computes it: used to verify requests and,
 * in tests and tools, to sign raw ones.
 */
import { createHash, createHmac } from 'node:crypto'

export interface Authorization {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: readonly string[]
  readonly signature: string
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=…, Signature=…`. */
export function parseAuthorization(header: string): Authorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    )
  if (!match) return undefined
  const [, accessKeyId, date, region, service, signedHeaders, signature] =
    match as unknown as string[]
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (signedHeaders as string).split(';'),
    signature: signature as string,
  }
}

/** RFC 3986 escaping as the SDK does it (`escapeUri`). */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export interface SignableRequest {
  readonly method: string
  /** Path as sent on the wire (percent-encoded once). */
  readonly path: string
  readonly query: URLSearchParams
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly payloadHash: string
}

function canonicalPath(path: string): string {
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`
  return escapeUri(normalized).replace(/%2F/g, '/')
}

function canonicalQuery(query: URLSearchParams): string {
  const pairs = [...query.entries()]
    .filter(([key]) => key.toLowerCase() !== 'x-amz-signature')
    .map(([key, value]) => `${escapeUri(key)}=${escapeUri(value)}`)
  return pairs.sort().join('&')
}

/** The SigV4 signature of `request` over `signedHeaders`. */
export function computeSignature(options: {
  request: SignableRequest
  signedHeaders: readonly string[]
  secretAccessKey: string
  amzDate: string
  region: string
  service: string
}): string {
  const { request, signedHeaders, amzDate, region, service } = options
  const headerLines = signedHeaders.map(
    (name) => `${name}:${(request.headers[name] ?? '').replace(/\s+/g, ' ').trim()}`,
  )
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    ...headerLines,
    '',
    signedHeaders.join(';'),
    request.payloadHash,
  ].join('\n')
  const shortDate = amzDate.slice(0, 8)
  const scope = `${shortDate}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  let key: Buffer = createHmac('sha256', `AWS4${options.secretAccessKey}`)
    .update(shortDate)
    .digest()
  for (const part of [region, service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest()
  }
  return createHmac('sha256', key).update(stringToSign).digest('hex')
}

/**
 * Signs a raw request (for tests and tools): returns the headers to send, with `authorization`,
 * `x-amz-date`, `x-amz-content-sha256` and (for session credentials) `x-amz-security-token`.
 */
export function signRequest(options: {
  method: string
  url: string
  headers: Record<string, string>
  body: string
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  region: string
  service: string
  date?: Date
}): Record<string, string> {
  const url = new URL(options.url)
  const amzDate = (options.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const payloadHash = sha256Hex(options.body)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value
  headers.host = url.host
  headers['x-amz-date'] = amzDate
  headers['x-amz-content-sha256'] = payloadHash
  if (options.credentials.sessionToken)
    headers['x-amz-security-token'] = options.credentials.sessionToken
  const signedHeaders = Object.keys(headers).sort()
  const signature = computeSignature({
    request: {
      method: options.method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      payloadHash,
    },
    signedHeaders,
    secretAccessKey: options.credentials.secretAccessKey,
    amzDate,
    region: options.region,
    service: options.service,
  })
  const scope = `${amzDate.slice(0, 8)}/${options.region}/${options.service}/aws4_request`
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${options.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
  return headers
}
