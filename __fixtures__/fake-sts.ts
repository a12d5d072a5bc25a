/**
 * A minimal STS (query protocol, XML) on 127.0.0.1 for credential tests: AssumeRoleWithWebIdentity
 * issues numbered keys with a chosen lifetime, GetCallerIdentity answers for the key that signed
 * the request. Every request is recorded so tests can count and inspect calls.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeRole {
  readonly arn: string
  /** Seconds from now the issued credentials expire (default 3600). */
  readonly expiresInSeconds?: number
  /** Answer every assumption of this role with this error instead. */
  readonly error?: { readonly code: string; readonly message: string; readonly status?: number }
}

export interface FakeStsOptions {
  readonly roles?: readonly FakeRole[]
  /** Long-lived keys (ambient credentials) and the account each belongs to. */
  readonly staticKeys?: Readonly<Record<string, { account: string; arn: string }>>
}

export interface StsCall {
  readonly action: string
  readonly params: Readonly<Record<string, string>>
  /** Access key id from the SigV4 Authorization header; undefined for unsigned calls. */
  readonly accessKeyId?: string
  readonly userAgent: string
}

export interface IssuedCredentials {
  readonly roleArn: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
}

export interface FakeSts {
  readonly endpoint: string
  readonly calls: StsCall[]
  readonly issued: IssuedCredentials[]
  close(): Promise<void>
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/'

export async function startFakeSts(options: FakeStsOptions = {}): Promise<FakeSts> {
  const calls: StsCall[] = []
  const issued: IssuedCredentials[] = []
  const roles = new Map((options.roles ?? []).map((role) => [role.arn, role]))
  let requestCount = 0

  const handle = (request: IncomingMessage, body: string, response: ServerResponse): void => {
    requestCount += 1
    const params = Object.fromEntries(new URLSearchParams(body))
    const auth = request.headers.authorization ?? ''
    const accessKeyId = /Credential=([^/]+)\//.exec(auth)?.[1]
    const call: StsCall = {
      action: params.Action ?? '',
      params,
      accessKeyId,
      userAgent: String(request.headers['x-amz-user-agent'] ?? request.headers['user-agent'] ?? ''),
    }
    calls.push(call)
    const requestId = `req-${requestCount}`
    if (call.action === 'AssumeRoleWithWebIdentity') {
      const role = roles.get(params.RoleArn ?? '')
      if (!role) return sendError(response, 403, 'AccessDenied', 'Not authorized', requestId)
      if (role.error) {
        return sendError(
          response,
          role.error.status ?? 400,
          role.error.code,
          role.error.message,
          requestId,
        )
      }
      const n = issued.length + 1
      const credentials: IssuedCredentials = {
        roleArn: role.arn,
        accessKeyId: `ASIAFAKE${String(n).padStart(4, '0')}`,
        secretAccessKey: `fake-secret-${n}-${role.arn.split(':')[4]}`,
        sessionToken: `fake-session-token-${n}`,
      }
      issued.push(credentials)
      const expiration = new Date(Date.now() + (role.expiresInSeconds ?? 3600) * 1000)
      const account = role.arn.split(':')[4]
      const roleName = role.arn.split('/').pop()
      return sendXml(
        response,
        `<AssumeRoleWithWebIdentityResponse xmlns="${NS}"><AssumeRoleWithWebIdentityResult>` +
          `<SubjectFromWebIdentityToken>repo:acme/app:ref:refs/heads/main</SubjectFromWebIdentityToken>` +
          `<AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${params.RoleSessionName}</Arn>` +
          `<AssumedRoleId>AROAFAKE:${params.RoleSessionName}</AssumedRoleId></AssumedRoleUser>` +
          `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId>` +
          `<SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>` +
          `<SessionToken>${credentials.sessionToken}</SessionToken>` +
          `<Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
          `</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId>` +
          `</ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
      )
    }
    if (call.action === 'GetCallerIdentity') {
      const identity = identityOf(accessKeyId)
      if (!identity) {
        return sendError(
          response,
          403,
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
          requestId,
        )
      }
      return sendXml(
        response,
        `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>` +
          `<Arn>${identity.arn}</Arn><UserId>AIDAFAKE</UserId><Account>${identity.account}</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId>` +
          `</ResponseMetadata></GetCallerIdentityResponse>`,
      )
    }
    return sendError(response, 400, 'InvalidAction', `Unknown action ${call.action}`, requestId)
  }

  const identityOf = (accessKeyId: string | undefined) => {
    if (!accessKeyId) return undefined
    const ambient = options.staticKeys?.[accessKeyId]
    if (ambient) return ambient
    const session = issued.find((c) => c.accessKeyId === accessKeyId)
    if (!session) return undefined
    const account = session.roleArn.split(':')[4] ?? ''
    const roleName = session.roleArn.split('/').pop()
    return { account, arn: `arn:aws:sts::${account}:assumed-role/${roleName}/session` }
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => handle(request, Buffer.concat(chunks).toString('utf8'), response))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    issued,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

function sendXml(response: ServerResponse, xml: string): void {
  response.writeHead(200, { 'content-type': 'text/xml' })
  response.end(xml)
}

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
): void {
  response.writeHead(status, { 'content-type': 'text/xml' })
  response.end(
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  )
}
