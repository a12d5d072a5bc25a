/**
 * AWS Query protocol (RDS, STS): form-urlencoded requests decoded by the model, XML responses.
 * Lists are `Name.member.N`, or `Name.<locationName>.N` when the list member has a locationName
 * (RDS: `VpcSecurityGroupIds.VpcSecurityGroupId.1`, `Tags.Tag.1.Key`); an empty list is `Name=`.
 */
import { AwsError } from '../core/types.ts'
import { shapeOf, type MemberRef, type Model, type Shape } from '../model.ts'
import { isoTimestamp, parseTimestamp } from './scalars.ts'
import type { DecodedRequest, Protocol, RawRequest, WireResponse } from './types.ts'

type Params = Map<string, string>

export function createQueryProtocol(model: Model): Protocol {
  return {
    operationOf: (request) => formOf(request).get('Action'),
    decode: (request) => decodeQuery(model, formOf(request)),
    encode: (operation, output, requestId) => encodeQuery(model, operation, output, requestId),
    encodeError: (error, requestId) => encodeQueryError(model, error, requestId),
  }
}

const formCache = new WeakMap<RawRequest, Params>()

/** The form parameters: the body for POST, the query string otherwise. */
function formOf(request: RawRequest): Params {
  const cached = formCache.get(request)
  if (cached) return cached
  const source = request.method === 'POST' ? new URLSearchParams(request.body) : request.query
  const params: Params = new Map(source.entries())
  formCache.set(request, params)
  return params
}

function decodeQuery(model: Model, params: Params): DecodedRequest {
  const action = params.get('Action')
  const operation = action === undefined ? undefined : model.operations[action]
  if (!operation) {
    throw new AwsError(
      'InvalidAction',
      `The action ${action ?? '(none)'} is not valid for this web service.`,
    )
  }
  const version = params.get('Version')
  if (version !== model.metadata.apiVersion) {
    throw new AwsError(
      'InvalidParameterValue',
      `Invalid API version '${version ?? ''}' (expected ${model.metadata.apiVersion})`,
    )
  }
  const used = new Set(['Action', 'Version'])
  const input = operation.input
    ? (readStructure(model, shapeOf(model, operation.input.shape), params, '', used) ?? {})
    : {}
  // Parameters the shape does not know are kept under their wire name so validation names them.
  for (const [key, value] of params) if (!used.has(key)) input[key] = value
  return { operation: operation.name, input }
}

function present(params: Params, prefix: string): boolean {
  if (prefix === '') return true
  for (const key of params.keys()) if (key === prefix || key.startsWith(`${prefix}.`)) return true
  return false
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`
}

function readValue(model: Model, ref: MemberRef, params: Params, key: string, used: Set<string>) {
  const shape = shapeOf(model, ref.shape)
  switch (shape.type) {
    case 'structure':
      return readStructure(model, shape, params, key, used)
    case 'list':
      return readList(model, shape, ref, params, key, used)
    case 'map':
      return readMap(model, shape, params, key, used)
    default:
      return readScalar(shape, params, key, used)
  }
}

function readStructure(
  model: Model,
  shape: Shape,
  params: Params,
  prefix: string,
  used: Set<string>,
): Record<string, unknown> | undefined {
  if (!present(params, prefix)) return undefined
  const out: Record<string, unknown> = {}
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const value = readValue(model, ref, params, join(prefix, ref.locationName ?? name), used)
    if (value !== undefined) out[name] = value
  }
  return out
}

function readList(
  model: Model,
  shape: Shape,
  ref: MemberRef,
  params: Params,
  prefix: string,
  used: Set<string>,
): unknown[] | undefined {
  if (params.get(prefix) === '') {
    used.add(prefix)
    return []
  }
  const member = shape.member as MemberRef
  const flat = shape.flattened === true || ref.flattened === true
  const itemPrefix = flat ? prefix : join(prefix, member.locationName ?? 'member')
  const indexes = new Set<number>()
  const pattern = new RegExp(`^${escapeRegExp(itemPrefix)}\\.(\\d+)(?:\\.|$)`)
  for (const key of params.keys()) {
    const match = pattern.exec(key)
    if (match) indexes.add(Number(match[1]))
  }
  if (indexes.size === 0) return undefined
  return [...indexes]
    .sort((a, b) => a - b)
    .map((index) => readValue(model, member, params, `${itemPrefix}.${index}`, used))
}

function readMap(model: Model, shape: Shape, params: Params, prefix: string, used: Set<string>) {
  if (!present(params, prefix)) return undefined
  const out: Record<string, unknown> = {}
  const keyName = shape.key?.locationName ?? 'key'
  const valueName = shape.value?.locationName ?? 'value'
  const entryPrefix = shape.flattened ? prefix : join(prefix, 'entry')
  for (let index = 1; params.has(`${entryPrefix}.${index}.${keyName}`); index++) {
    const keyParam = `${entryPrefix}.${index}.${keyName}`
    used.add(keyParam)
    const ref = shape.value as MemberRef
    out[params.get(keyParam) as string] = readValue(
      model,
      ref,
      params,
      `${entryPrefix}.${index}.${valueName}`,
      used,
    )
  }
  return out
}

function readScalar(shape: Shape, params: Params, key: string, used: Set<string>): unknown {
  const text = params.get(key)
  if (text === undefined) return undefined
  used.add(key)
  switch (shape.type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : text
    case 'double':
    case 'float':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'timestamp':
      return parseTimestamp(text) ?? text
    default:
      return text
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** XML escaping for element content (quotes need none there). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function encodeQuery(
  model: Model,
  operationName: string,
  output: Record<string, unknown>,
  requestId: string,
): WireResponse {
  const operation = model.operations[operationName]
  if (!operation) throw new Error(`no operation ${operationName}`)
  const ns = model.metadata.xmlNamespace ?? ''
  let result = ''
  if (operation.output) {
    const wrapper = operation.output.resultWrapper ?? `${operationName}Result`
    const body = writeStructureBody(model, shapeOf(model, operation.output.shape), output)
    result = `<${wrapper}>${body}</${wrapper}>`
  }
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${operationName}Response xmlns="${ns}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${operationName}Response>`
  return { status: 200, headers: xmlHeaders(requestId), body: xml }
}

function xmlHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }
}

function writeStructureBody(model: Model, shape: Shape, value: unknown): string {
  if (typeof value !== 'object' || value === null) throw new Error('output is not a structure')
  const record = value as Record<string, unknown>
  const members = shape.members ?? {}
  for (const name of Object.keys(record)) {
    if (!(name in members) && record[name] !== undefined) {
      throw new Error(`output member ${name} is not in the model's shape`)
    }
  }
  let xml = ''
  for (const [name, ref] of Object.entries(members)) {
    const memberValue = record[name]
    if (memberValue === undefined || memberValue === null) continue
    xml += writeMember(model, ref, ref.locationName ?? name, memberValue)
  }
  return xml
}

function writeMember(model: Model, ref: MemberRef, tag: string, value: unknown): string {
  const shape = shapeOf(model, ref.shape)
  if (shape.type === 'list' && (shape.flattened || ref.flattened)) {
    const member = shape.member as MemberRef
    return (value as unknown[])
      .map((item) => writeMember(model, member, member.locationName ?? tag, item))
      .join('')
  }
  return `<${tag}>${writeContent(model, shape, value)}</${tag}>`
}

function writeContent(model: Model, shape: Shape, value: unknown): string {
  switch (shape.type) {
    case 'structure':
      return writeStructureBody(model, shape, value)
    case 'list': {
      if (!Array.isArray(value)) throw new Error('output list is not an array')
      const member = shape.member as MemberRef
      return value
        .map((item) => writeMember(model, member, member.locationName ?? 'member', item))
        .join('')
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>)
      const valueRef = shape.value as MemberRef
      return entries
        .map(
          ([key, item]) =>
            `<entry><key>${escapeXml(key)}</key>${writeMember(model, valueRef, 'value', item)}</entry>`,
        )
        .join('')
    }
    case 'timestamp':
      return isoTimestamp(value)
    case 'boolean':
      return value ? 'true' : 'false'
    default:
      return escapeXml(String(value))
  }
}

function encodeQueryError(model: Model, error: AwsError, requestId: string): WireResponse {
  const ns = model.metadata.xmlNamespace ?? ''
  const type = error.status >= 500 ? 'Receiver' : 'Sender'
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  return { status: error.status, headers: xmlHeaders(requestId), body: xml }
}
