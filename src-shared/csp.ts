/**
 * The UI's Content-Security-Policy, one source for the server (which sends it
 * with the UI's page) and the desktop shell (which sets it again on every
 * response its window gets, in case a page arrives without it).
 */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

export const UI_CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // React sets style attributes (and the charts inline styles): no scripts come with them.
  'style-src': ["'self'", "'unsafe-inline'"],
  // Previews and thumbnails are data: and blob: URLs the UI makes itself.
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** `name value value; name value` in the order given. */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

export const UI_CSP = serializeCsp(UI_CSP_DIRECTIVES);

/** Parses a policy into its directives (names lower-cased; a repeated directive keeps its first value, as browsers do). */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, values);
  }
  return out;
}

/**
 * What makes a policy weaker than the UI needs, one sentence each; empty when
 * it is strict: scripts only from the app itself (no eval, no inline script,
 * no data: or remote script), no plugins, no <base> rewriting, no framing.
 */
export function cspProblems(policy: string): string[] {
  const problems: string[] = [];
  const csp = parseCsp(policy);
  const scripts = csp.get('script-src') ?? csp.get('default-src');
  if (!scripts) problems.push('no script-src or default-src: scripts may come from anywhere');
  for (const [name, values] of csp) {
    for (const raw of values) {
      const value = raw.toLowerCase();
      if (value === "'unsafe-eval'" || value === "'wasm-unsafe-eval'" || value === "'unsafe-hashes'") {
        problems.push(`${name} allows ${value}`);
      }
      if (
        value === '*' ||
        value === 'http:' ||
        value === 'https:' ||
        /^https?:\/\//.test(value) ||
        value.includes('*')
      ) {
        problems.push(`${name} allows other origins (${raw})`);
      }
    }
  }
  for (const value of scripts ?? []) {
    const v = value.toLowerCase();
    if (v === "'unsafe-inline'" || v === 'data:' || v === 'blob:' || v === 'filesystem:') {
      problems.push(`script-src allows ${v}`);
    }
  }
  const objects = csp.get('object-src') ?? csp.get('default-src');
  if (!objects || objects.join(' ') !== "'none'") problems.push("object-src is not 'none'");
  if (csp.get('base-uri')?.join(' ') !== "'none'" && csp.get('base-uri')?.join(' ') !== "'self'") {
    problems.push('base-uri is not restricted');
  }
  if (csp.get('frame-ancestors')?.join(' ') !== "'none'") problems.push("frame-ancestors is not 'none'");
  return problems;
}
