// How an operation is declared: its input schema (checked at runtime on every transport) and its
// result type (a phantom, checked at compile time by the handler table and the renderer's client).
import type { z } from 'zod';

export interface OpSpec<I extends z.ZodType = z.ZodType, R = unknown> {
  input: I;
  /** Phantom: never set at run time, carries the result type. */
  readonly result?: R;
}

export const op =
  <R>() =>
  <I extends z.ZodType>(input: I): OpSpec<I, R> => ({ input });
