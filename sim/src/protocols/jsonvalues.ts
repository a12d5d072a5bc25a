/** Model-driven JSON values for the JSON protocols: timestamps travel as epoch seconds. */
import { shapeOf, type Model, type Shape } from '../model.ts'
import { epochSeconds } from './scalars.ts'

/** Converts decoded JSON into model values (epoch-second timestamps → Date); leaves misfits as is. */
export function fromJson(model: Model, shape: Shape, value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return value
      const out: Record<string, unknown> = {}
      for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
        const ref = shape.members?.[name]
        const converted = ref ? fromJson(model, shapeOf(model, ref.shape), item) : item
        if (converted !== undefined) out[name] = converted
      }
      return out
    }
    case 'list': {
      if (!Array.isArray(value)) return value
      const member = shapeOf(model, shape.member?.shape ?? '')
      return value.map((item) => fromJson(model, member, item))
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return value
      const valueShape = shapeOf(model, shape.value?.shape ?? '')
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          fromJson(model, valueShape, v),
        ]),
      )
    }
    case 'timestamp':
      return typeof value === 'number' ? new Date(value * 1000) : value
    default:
      return value
  }
}

/** Converts a handler's output into JSON values by the model; unknown output members are a bug. */
export function toJson(model: Model, shape: Shape, value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  switch (shape.type) {
    case 'structure': {
      const record = value as Record<string, unknown>
      const out: Record<string, unknown> = {}
      for (const [name, item] of Object.entries(record)) {
        const ref = shape.members?.[name]
        if (!ref) {
          if (item === undefined) continue
          throw new Error(`output member ${name} is not in the model's shape`)
        }
        const converted = toJson(model, shapeOf(model, ref.shape), item)
        if (converted !== undefined) out[name] = converted
      }
      return out
    }
    case 'list': {
      const member = shapeOf(model, shape.member?.shape ?? '')
      return (value as unknown[]).map((item) => toJson(model, member, item))
    }
    case 'map': {
      const valueShape = shapeOf(model, shape.value?.shape ?? '')
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          toJson(model, valueShape, v),
        ]),
      )
    }
    case 'timestamp':
      return epochSeconds(value)
    default:
      return value
  }
}

/** Parses a JSON request body; an empty body is an empty object. */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {}
  return JSON.parse(body) as unknown
}
