/**
 * REST-JSON (RAM): operations routed by the model's HTTP method and request URI; members bound to
 * the URI, query string or headers by `location`, the rest in a JSON body. Errors carry
 * `x-amzn-ErrorType: Code` and `{"message": "…"}` with the error shape's `httpStatusCode`.
 */
import { AwsError } from '../core/types.ts'
import { shapeOf, type Model, type Operation } from '../model.ts'
import { fromJson, parseJsonBody, toJson } from './jsonvalues.ts'
import { parseTimestamp } from './scalars.ts'
import type { Protocol, RawRequest, WireResponse } from './types.ts'

interface Route {
  readonly operation: Operation
  readonly method: string
  readonly pattern: RegExp
  readonly labels: readonly string[]
}

export function createRestJsonProtocol(model: Model): Protocol {
  const routes = Object.values(model.operations).map(toRoute)
  const match = (request: RawRequest) =>
    routes
      .map((route) => ({ route, found: route.pattern.exec(request.path) }))
      .find(({ route, found }) => found && route.method === request.method)
  return {
    operationOf: (request) => match(request)?.route.operation.name,
    decode(request) {
      const matched = match(request)
      if (!matched || !matched.found) {
        throw new AwsError(
          'UnknownOperationException',
          `No operation at ${request.method} ${request.path}`,
          404,
        )
      }
      const { route, found } = matched
      let body: unknown
      try {
        body = parseJsonBody(request.body)
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON')
      }
      const shapeName = route.operation.input?.shape
      const shape = shapeName ? shapeOf(model, shapeName) : undefined
      const input = { ...(shape ? (fromJson(model, shape, body) as Record<string, unknown>) : {}) }
      for (const [name, ref] of Object.entries(shape?.members ?? {})) {
        const wireName = ref.locationName ?? name
        let text: string | undefined
        if (ref.location === 'uri') {
          const index = route.labels.indexOf(wireName)
          text = index >= 0 ? decodeURIComponent(found[index + 1] ?? '') : undefined
        } else if (ref.location === 'querystring') {
          text = request.query.get(wireName) ?? undefined
        } else if (ref.location === 'header') {
          text = request.headers[wireName.toLowerCase()]
        } else {
          continue
        }
        if (text !== undefined) input[name] = bindScalar(shapeOf(model, ref.shape).type, text)
      }
      return { operation: route.operation.name, input }
    },
    encode(operationName, output, requestId): WireResponse {
      const operation = model.operations[operationName]
      const json = operation?.output
        ? toJson(model, shapeOf(model, operation.output.shape), output)
        : {}
      return { status: 200, headers: jsonHeaders(requestId), body: JSON.stringify(json) }
    },
    encodeError(error, requestId): WireResponse {
      return {
        status: error.status,
        headers: { ...jsonHeaders(requestId), 'x-amzn-errortype': error.code },
        body: JSON.stringify({ message: error.message }),
      }
    },
  }
}

function toRoute(operation: Operation): Route {
  const [path = '/'] = operation.http.requestUri.split('?')
  const labels: string[] = []
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const label = /^\{([^}+]+)\+?\}$/.exec(part)
      if (label) {
        labels.push(label[1] as string)
        return '([^/]+)'
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return { operation, method: operation.http.method, pattern: new RegExp(`^${source}/?$`), labels }
}

function bindScalar(type: string, text: string): unknown {
  switch (type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'timestamp':
      return parseTimestamp(text) ?? text
    default:
      return text
  }
}

function jsonHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-amzn-requestid': requestId }
}
