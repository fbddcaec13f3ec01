import type { z } from 'zod';
import { AppError } from './errors';

/** Error details listed at most. */
const MAX_DETAILS = 100;

/**
 * The one validation path: every request part and every CLI argument set goes
 * through a shared schema here, and failures become VALIDATION_ERROR with one
 * detail per field.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const pathOf = (parts: readonly PropertyKey[]) => (parts.length ? parts.map(String).join('.') : (where ?? '(root)'));
  const details = result.error.issues.flatMap((issue) =>
    // Zod reports unknown fields once, at their parent; name each field instead.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: `Unknown field "${key}"` }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
  const first = details[0]!;
  const summary = details.length === 1 ? `${first.path}: ${first.message}` : `${details.length} fields are invalid`;
  // A large document (an import) can be wrong in thousands of places: the count says so, the first ones are listed.
  throw new AppError('VALIDATION_ERROR', `Invalid ${where ?? 'input'}: ${summary}`, details.slice(0, MAX_DETAILS));
}
