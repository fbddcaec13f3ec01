import { ApiError } from '../../api/http';

/**
 * Splits an API refusal into messages for the form's own fields (shown next to
 * them) and what is left to show above the form: the whole error when it names
 * no field of this form, else nothing.
 */
export function formErrors(
  error: unknown,
  fields: readonly string[],
): { field(path: string): string | undefined; general: unknown } {
  if (!error) return { field: () => undefined, general: null };
  if (!(error instanceof ApiError)) return { field: () => undefined, general: error };
  const known = error.details.filter((d) => fields.includes(d.path));
  const unknown = error.details.length === 0 || known.length < error.details.length;
  return {
    field: (path) =>
      error.details
        .filter((d) => d.path === path)
        .map((d) => d.message)
        .join(' ') || undefined,
    general: unknown ? error : null,
  };
}
