/**
 * The simulator's HTTP front door on 127.0.0.1: one endpoint for every service. A request is
 * routed (SigV4 credential scope, or `Action` / `X-Amz-Target` / REST route when unsigned),
 * authenticated, decoded and validated by the model, checked against injected faults, handed to
 * its handler, and answered in the service's own wire protocol. Every request goes in the log.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  AwsError,
  type CallContext,
  type NetworkFault,
  type RequestLogEntry,
  type ServiceHandlers,
  type ServiceName,
  type World,
} from './core/types.ts'
import { internalMessage, type FaultInjector } from './faults.ts'
import type { Authorizer } from './iam/authorizer.ts'
import type { Caller, ErrorFamily, IdentityStore } from './identity.ts'
import type { RequestLog } from './log.ts'
import { errorInfo, loadModel, type Model } from './model.ts'
import type { OidcIssuer } from './oidc.ts'
import { githubApiPath, type GitHubApi } from './github.ts'
import { createJsonProtocol } from './protocols/json.ts'
import { createQueryProtocol } from './protocols/query.ts'
import { createRestJsonProtocol } from './protocols/restjson.ts'
import type { Protocol, RawRequest, WireResponse } from './protocols/types.ts'
import { parseRoleArn } from './services/sts.ts'
import { validateInput } from './validate.ts'

/** Path of the OIDC token endpoint; the URL handed out already holds a `?` for `&audience=`. */
export const oidcTokenPath = '/_oidc/token'

export interface ServerDeps {
  readonly world: World
  readonly handlers: Readonly<Record<ServiceName, ServiceHandlers>>
  readonly identity: IdentityStore
  readonly oidc: OidcIssuer
  readonly github: GitHubApi
  readonly faults: FaultInjector
  readonly log: RequestLog
  readonly authorizer: Authorizer
}

interface ServiceWire {
  readonly model: Model
  readonly protocol: Protocol
  readonly family: ErrorFamily
}

const services: readonly ServiceName[] = ['rds', 'sts', 'kms', 'ram']

function buildWires(): Record<ServiceName, ServiceWire> {
  const wire = (service: ServiceName, family: ErrorFamily, make: (m: Model) => Protocol) => {
    const model = loadModel(service)
    return { model, protocol: make(model), family }
  }
  return {
    rds: wire('rds', 'query', createQueryProtocol),
    sts: wire('sts', 'query', createQueryProtocol),
    kms: wire('kms', 'json', createJsonProtocol),
    ram: wire('ram', 'json', createRestJsonProtocol),
  }
}

/** Starts listening; resolves with the server and its base URL. */
export async function listen(
  deps: ServerDeps,
  port: number,
): Promise<{ server: Server; url: string }> {
  const wires = buildWires()
  const server = createServer((req, res) => {
    void handle(deps, wires, req, res).catch((error: unknown) => {
      console.error('simulator: unexpected failure', error)
      if (!res.headersSent) res.writeHead(500).end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address')
  return { server, url: `http://127.0.0.1:${address.port}` }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function toRaw(req: IncomingMessage, body: string): RawRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value
  }
  const rawPath = (req.url ?? '/').split('?')[0] as string
  return { method: req.method ?? 'GET', path: rawPath, query: url.searchParams, headers, body }
}

function send(res: ServerResponse, response: WireResponse): void {
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
  })
  res.end(response.body)
}

async function handle(
  deps: ServerDeps,
  wires: Record<ServiceName, ServiceWire>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = Date.now()
  const raw = toRaw(req, await readBody(req))
  if (raw.path === oidcTokenPath) return deliver(res, answerOidc(deps, raw, startedAt))
  if (raw.path.startsWith(`${githubApiPath}/`)) {
    return deliver(res, answerGitHub(deps, raw, startedAt))
  }
  const service = route(deps, wires, raw)
  if (!service) {
    const error = new AwsError(
      'UnknownService',
      'The simulator serves rds, sts, kms and ram only',
      400,
    )
    return send(res, wires.rds.protocol.encodeError(error, randomUUID()))
  }
  deliver(res, await answer(deps, service, wires[service], raw, startedAt))
}

/** An answer, and the network fault (if any) that decides whether and when it reaches the caller. */
interface Delivery {
  /** Undefined only for a call that hangs. */
  readonly response?: WireResponse
  readonly network?: NetworkFault
}

/** Sends the answer as the network fault allows: now, later, never, or not at all (reset). */
function deliver(res: ServerResponse, delivery: Delivery): void {
  const { response, network } = delivery
  if (!response || network?.kind === 'hang') return
  if (network?.kind === 'reset-after') {
    res.socket?.destroy()
    return
  }
  if (network?.kind === 'delay') {
    setTimeout(() => {
      if (!res.socket?.destroyed) send(res, response)
    }, network.delayMs ?? 0).unref()
    return
  }
  send(res, response)
}

/** Which service a request is for: the SigV4 scope, else what the unsigned request names. */
function route(
  deps: ServerDeps,
  wires: Record<ServiceName, ServiceWire>,
  raw: RawRequest,
): ServiceName | undefined {
  const scoped = deps.identity.signingService(raw)
  if (scoped !== undefined) return services.find((name) => name === scoped)
  if (raw.headers['x-amz-target'] !== undefined) return 'kms'
  for (const name of ['sts', 'rds', 'ram'] as const) {
    const operation = wires[name].protocol.operationOf(raw)
    if (operation !== undefined && wires[name].model.operations[operation]) return name
  }
  return undefined
}

async function answer(
  deps: ServerDeps,
  service: ServiceName,
  wire: ServiceWire,
  raw: RawRequest,
  startedAt: number,
): Promise<Delivery> {
  const requestId = randomUUID()
  const operation = wire.protocol.operationOf(raw) ?? 'Unknown'
  let entry: RequestLogEntry | undefined
  let caller: Caller | undefined
  try {
    const unsigned = wire.model.operations[operation]?.authtype === 'none'
    if (!(unsigned && raw.headers.authorization === undefined)) {
      caller = deps.identity.authenticate(raw, { region: deps.world.region, family: wire.family })
    }
    const decoded = wire.protocol.decode(raw)
    const account =
      caller?.account ??
      parseRoleArn(String((decoded.input as { RoleArn?: unknown }).RoleArn ?? ''))?.account
    entry = deps.log.begin({
      service,
      operation: decoded.operation,
      ...(account !== undefined && { account }),
      ...(caller && { accessKeyId: caller.accessKeyId }),
      ...userAgentOf(raw),
      input: decoded.input,
      startedAt,
    })
    validateInput(wire.model, wire.model.operations[decoded.operation]?.input?.shape, decoded.input)
    if (caller) {
      deps.authorizer.authorize({
        caller,
        service,
        operation: decoded.operation,
        input: decoded.input,
      })
    }
    const fault = deps.faults.check({
      service,
      operation: decoded.operation,
      ...(account !== undefined && { account }),
      input: decoded.input,
    })
    if (fault) {
      deps.log.end(entry, { errorCode: fault.error.code, fault: fault.kind })
      return { response: wire.protocol.encodeError(fault.error, requestId) }
    }
    const network = deps.faults.network({
      operation: decoded.operation,
      ...(account !== undefined && { account }),
    })
    if (network?.kind === 'hang') {
      deps.log.end(entry, { fault: 'hang' })
      return { network }
    }
    const handler = deps.handlers[service][decoded.operation]
    if (!handler) {
      throw new AwsError(
        'NotImplemented',
        `The simulator does not implement ${service}:${decoded.operation}`,
        501,
      )
    }
    const ctx: CallContext = {
      service,
      operation: decoded.operation,
      account: caller?.account ?? '',
      principalArn: caller?.principalArn ?? '',
      ...(caller && { accessKeyId: caller.accessKeyId, userId: caller.userId }),
      region: deps.world.region,
      input: decoded.input,
      requestId,
      world: deps.world,
    }
    const output = await handler(ctx)
    if (network?.kind === 'lose-answer') {
      const lost = new AwsError('InternalFailure', internalMessage, 500)
      deps.log.end(entry, { errorCode: lost.code, fault: network.kind })
      return { response: wire.protocol.encodeError(lost, requestId), network }
    }
    const response = wire.protocol.encode(decoded.operation, output, requestId)
    deps.log.end(entry, network ? { fault: network.kind } : {})
    return { response, ...(network && { network }) }
  } catch (thrown) {
    const error = asAwsError(wire.model, thrown)
    entry ??= deps.log.begin({
      service,
      operation,
      ...(caller && { account: caller.account, accessKeyId: caller.accessKeyId }),
      input: {},
      startedAt,
    })
    deps.log.end(entry, { errorCode: error.code })
    return { response: wire.protocol.encodeError(error, requestId) }
  }
}

/** The SDK sends its user agent (with any custom part) as `x-amz-user-agent`; others as `user-agent`. */
function userAgentOf(raw: RawRequest): { userAgent?: string } {
  const agent = raw.headers['x-amz-user-agent'] ?? raw.headers['user-agent']
  return agent === undefined ? {} : { userAgent: agent }
}

/**
 * A handler's error as the wire carries it: a modeled error gets the model's wire code and status
 * (so `DBSnapshotNotFoundFault` thrown by shape name still goes out as `DBSnapshotNotFound`, 404);
 * anything that is not an AwsError is a simulator bug, answered as a 500.
 */
function asAwsError(model: Model, thrown: unknown): AwsError {
  if (thrown instanceof AwsError) {
    const byShape = model.shapes[thrown.code]?.exception ? errorInfo(model, thrown.code) : undefined
    const byCode = Object.keys(model.shapes)
      .filter((name) => model.shapes[name]?.exception)
      .map((name) => errorInfo(model, name))
      .find((info) => info.code === thrown.code)
    const modeled = byShape ?? byCode
    return modeled ? new AwsError(modeled.code, thrown.message, modeled.status) : thrown
  }
  console.error('simulator: handler failure', thrown)
  const message = thrown instanceof Error ? thrown.message : String(thrown)
  return new AwsError('InternalFailure', `Simulator bug: ${message}`, 500)
}

function answerGitHub(deps: ServerDeps, raw: RawRequest, startedAt: number): Delivery {
  const { operation, response, error } = deps.github.answer(raw)
  const input = raw.body ? ({ ...(JSON.parse(raw.body) as object) } as Record<string, unknown>) : {}
  const entry = deps.log.begin({ service: 'github', operation, input, startedAt })
  deps.log.end(entry, error === undefined ? {} : { errorCode: error })
  return { response }
}

function answerOidc(deps: ServerDeps, raw: RawRequest, startedAt: number): Delivery {
  const audience = raw.query.get('audience') ?? undefined
  const entry = deps.log.begin({
    service: 'oidc',
    operation: 'GetIdToken',
    input: audience === undefined ? {} : { audience },
    startedAt,
  })
  // The auth scheme is case-insensitive (RFC 7235): curl examples send `bearer`.
  const [scheme = '', token] = (raw.headers.authorization ?? '').split(' ')
  if (
    raw.method !== 'GET' ||
    scheme.toLowerCase() !== 'bearer' ||
    token !== deps.oidc.requestToken
  ) {
    deps.log.end(entry, { errorCode: 'Unauthorized' })
    return {
      response: {
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Bad credentials' }),
      },
    }
  }
  const network = deps.faults.network({ operation: 'GetIdToken' })
  if (network?.kind === 'hang') {
    deps.log.end(entry, { fault: 'hang' })
    return { network }
  }
  const value = deps.oidc.issue(audience)
  deps.log.end(entry, network ? { fault: network.kind } : {})
  const response = {
    status: network?.kind === 'lose-answer' ? 500 : 200,
    headers: { 'content-type': 'application/json' },
    body:
      network?.kind === 'lose-answer'
        ? JSON.stringify({ message: 'Internal Server Error' })
        : JSON.stringify({ count: 1, value }),
  }
  return { response, ...(network && { network }) }
}
