import type { z } from 'zod';
import { AppError } from './errors';

/**
 * The one validation path: every request part and every CLI argument set goes
 * through a shared schema here, and failures become VALIDATION_ERROR with one
 * detail per field.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : (where ?? '(root)'),
    message: issue.message,
  }));
  const first = details[0]!;
  const summary = details.length === 1 ? `${first.path}: ${first.message}` : `${details.length} fields are invalid`;
  throw new AppError('VALIDATION_ERROR', `Invalid ${where ?? 'input'}: ${summary}`, details);
}
