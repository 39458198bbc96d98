import type { z } from 'zod';
import type { InvokeReply } from '../../shared/bridge.js';
import { ERROR_STATUS, isLoadoutError, type ErrorCode } from '../../shared/errors.js';

export type InvokeFailure = Extract<InvokeReply<never>, { ok: false }>;

export function failure(code: ErrorCode, message: string, details: Omit<InvokeFailure['error'], 'code' | 'message' | 'status'> = {}): InvokeFailure {
  return { ok: false, error: { code, message, status: ERROR_STATUS[code], ...details } };
}

/** `name: Too small …; force: Invalid input …`: the renderer shows it, so it names each field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/**
 * Expected failures (LoadoutError) cross IPC as their code and status, like the HTTP API answers them;
 * anything else is a bug, reported as `internal` with its message only (a stack never crosses IPC).
 */
export function failureFromError(error: unknown): InvokeFailure {
  if (isLoadoutError(error)) return failure(error.code, error.message, error.details);
  return failure('internal', error instanceof Error ? error.message : String(error));
}
