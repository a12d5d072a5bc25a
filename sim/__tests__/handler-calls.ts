/** Calling one service's handlers directly, as the transport would after validation. */
import { expect } from '@jest/globals'
import {
  AwsError,
  type CallContext,
  type ServiceHandlers,
  type ServiceName,
  type World,
} from '../src/core/types.ts'

/** `call(account, operation, input)` runs the handler as `account` would through the server. */
export function handlerCaller(options: {
  service: ServiceName
  handlers: ServiceHandlers
  region: string
}) {
  return async (account: string, operation: string, input: Record<string, unknown> = {}) => {
    const ctx: CallContext = {
      service: options.service,
      operation,
      account,
      principalArn: `arn:aws:sts::${account}:assumed-role/deployer/session`,
      region: options.region,
      input,
      requestId: 'req-1',
      world: {} as World,
    }
    const handler = options.handlers[operation]
    if (!handler) throw new Error(`no handler ${operation}`)
    return handler(ctx)
  }
}

/** The call fails with this AWS error code, HTTP 400 and, when given, exactly this message. */
export async function fails(
  promise: Promise<unknown>,
  code: string,
  message?: string,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AwsError)
  expect((error as AwsError).code).toBe(code)
  expect((error as AwsError).status).toBe(400)
  if (message !== undefined) expect((error as AwsError).message).toBe(message)
}
