/**
 * AWS JSON 1.1 (KMS): `X-Amz-Target: TrentService.Op`, JSON bodies, epoch-second timestamps,
 * errors as `{"__type": "Code", "message": "…"}` with the error shape's status.
 */
import { AwsError } from '../core/types.ts'
import { shapeOf, type Model } from '../model.ts'
import { fromJson, parseJsonBody, toJson } from './jsonvalues.ts'
import type { Protocol, RawRequest, WireResponse } from './types.ts'

const contentType = 'application/x-amz-json-1.1'

export function createJsonProtocol(model: Model): Protocol {
  const prefix = `${model.metadata.targetPrefix ?? ''}.`
  const operationOf = (request: RawRequest): string | undefined => {
    const target = request.headers['x-amz-target']
    return target?.startsWith(prefix) ? target.slice(prefix.length) : undefined
  }
  return {
    operationOf,
    decode(request) {
      const name = operationOf(request)
      const operation = name === undefined ? undefined : model.operations[name]
      if (!operation) {
        throw new AwsError(
          'UnknownOperationException',
          `The operation ${request.headers['x-amz-target'] ?? '(none)'} is not known`,
        )
      }
      let body: unknown
      try {
        body = parseJsonBody(request.body)
      } catch {
        throw new AwsError('SerializationException', 'The request body is not valid JSON')
      }
      const input = operation.input
        ? fromJson(model, shapeOf(model, operation.input.shape), body)
        : body
      return { operation: operation.name, input: input as Record<string, unknown> }
    },
    encode(operationName, output, requestId): WireResponse {
      const operation = model.operations[operationName]
      const json = operation?.output
        ? toJson(model, shapeOf(model, operation.output.shape), output)
        : {}
      return { status: 200, headers: headers(requestId), body: JSON.stringify(json) }
    },
    encodeError(error, requestId): WireResponse {
      const body = JSON.stringify({ __type: error.code, message: error.message })
      return { status: error.status, headers: headers(requestId), body }
    },
  }
}

function headers(requestId: string): Record<string, string> {
  return { 'content-type': contentType, 'x-amzn-requestid': requestId }
}
