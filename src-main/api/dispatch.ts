// The single entry every transport calls: look the operation up, validate its input with the
// contract's schema, run the handler, and turn failures into wire errors.
import { z } from 'zod';
import { contract, type OpName } from './contract';
import { handlers } from './handlers';
import type { AppContext } from './context';
import { AppError, toWireError, type WireError } from './errors';

export type Reply = { ok: true; result: unknown } | { ok: false; error: WireError };

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export async function dispatch(ctx: AppContext, name: string, input: unknown): Promise<Reply> {
  try {
    if (!isOpName(name)) throw new AppError('unknown_operation', `there is no operation "${name}"`);
    const parsed = contract[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      throw new AppError('invalid_input', `invalid input for ${name}: ${z.prettifyError(parsed.error)}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const handler = handlers[name] as (input: unknown, ctx: AppContext) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data, ctx) };
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}
