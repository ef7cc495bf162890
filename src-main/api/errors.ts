// Errors are values with a code, a message a person can act on, and where it happened.
export interface ErrorWhere {
  file?: string;
  line?: number;
  field?: string;
}

export type ErrorCode =
  | 'invalid_input'
  | 'unknown_operation'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'locked'
  | 'unavailable'
  | 'rejected_file'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { where?: ErrorWhere[]; [k: string]: unknown } = {},
  ) {
    super(message);
  }
}

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof AppError) return { code: err.code, message: err.message, details: err.details };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
