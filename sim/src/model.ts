/**
 * The AWS API models (trimmed botocore JSON in sim/models): operations, shapes, errors. Everything
 * the transport knows about a service's wire format comes from here.
 */
import { readFileSync } from 'node:fs'
import type { ServiceName } from './core/types.ts'

export interface MemberRef {
  readonly shape: string
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode'
  readonly locationName?: string
  readonly flattened?: boolean
}

export interface Shape {
  readonly type: string
  readonly members?: Readonly<Record<string, MemberRef>>
  readonly required?: readonly string[]
  readonly member?: MemberRef
  readonly key?: MemberRef
  readonly value?: MemberRef
  readonly enum?: readonly string[]
  readonly min?: number
  readonly max?: number
  readonly pattern?: string
  readonly flattened?: boolean
  readonly exception?: boolean
  readonly fault?: boolean
  readonly error?: {
    readonly code?: string
    readonly httpStatusCode?: number
    readonly senderFault?: boolean
  }
}

export interface Operation {
  readonly name: string
  readonly http: { readonly method: string; readonly requestUri: string }
  readonly input?: { readonly shape: string }
  readonly output?: { readonly shape: string; readonly resultWrapper?: string }
  readonly errors?: readonly { readonly shape: string }[]
  readonly authtype?: string
}

export interface Model {
  readonly service: ServiceName
  readonly metadata: {
    readonly protocol: string
    readonly apiVersion: string
    readonly targetPrefix?: string
    readonly xmlNamespace?: string
    readonly signingName?: string
    readonly endpointPrefix: string
  }
  readonly operations: Readonly<Record<string, Operation>>
  readonly shapes: Readonly<Record<string, Shape>>
}

const cache = new Map<ServiceName, Model>()

/** The model of one service, read once from sim/models/<service>.json. */
export function loadModel(service: ServiceName): Model {
  const cached = cache.get(service)
  if (cached) return cached
  const url = new URL(`../models/${service}.json`, import.meta.url)
  const raw = JSON.parse(readFileSync(url, 'utf8')) as Omit<Model, 'service'>
  const model: Model = { ...raw, service }
  cache.set(service, model)
  return model
}

/** A shape by name; throws on a model inconsistency (never on user input). */
export function shapeOf(model: Model, name: string): Shape {
  const shape = model.shapes[name]
  if (!shape) throw new Error(`model ${model.service}: no shape ${name}`)
  return shape
}

/** The wire code and HTTP status AWS uses for an error shape. */
export function errorInfo(model: Model, shapeName: string): { code: string; status: number } {
  const shape = model.shapes[shapeName]
  const code = shape?.error?.code ?? shapeName
  const status = shape?.error?.httpStatusCode ?? (shape?.fault ? 500 : 400)
  return { code, status }
}

/** Whether `code` (a wire code) is modeled for the service, and its status. */
export function findErrorByCode(model: Model, code: string): { status: number } | undefined {
  for (const [name, shape] of Object.entries(model.shapes)) {
    if (!shape.exception) continue
    const info = errorInfo(model, name)
    if (info.code === code || name === code) return { status: info.status }
  }
  return undefined
}
