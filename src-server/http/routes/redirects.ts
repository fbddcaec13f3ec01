import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Router from '@koa/router';
import getRawBody from 'raw-body';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { QrType } from '../../../src-shared/schemas/content';
import { encodePayload } from '../../../src-shared/payloads';
import type { ScanRecorder, ScanToRecord } from '../../scans/recorder';
import { verifyPassword } from '../../services/passwords';
import type { RedirectTarget as QrCodeRow } from '../../store/qrcode-store';
import type { Store } from '../../store/store';
import type { AppContext, AppState } from '../context';
import {
  escapeHtml,
  messagePage,
  page,
  PAGE_CSP,
  pageLanguage,
  passwordPage,
  texts,
  type PageLanguage,
} from '../public-pages';

/** What a scan records about the request, worked out from it without keeping the address. */
export type CaptureScan = (req: IncomingMessage) => Omit<ScanToRecord, 'qr_code_id' | 'scanned_at'>;

export interface RedirectDeps {
  store: Store;
  recorder: ScanRecorder;
  capture: CaptureScan;
  /** The client address used to limit password attempts; kept in memory only, for 15 minutes. */
  clientKey: (req: IncomingMessage) => string;
  /** Signs the cookie that spares a re-scan the password prompt. */
  secret: Buffer;
  logger: Logger;
  now?: () => number;
}

/**
 * A whole answer of the public endpoint, independent of Koa: the Koa routes
 * apply it to their context and the fast path (`redirect-fast-path.ts`) writes
 * it to the raw response, so both send the same bytes. `headers` come after the
 * stack's own (X-Request-Id, security headers) and include the Content-Type.
 */
export interface Answer {
  status: number;
  headers: readonly (readonly [string, string])[];
  body: string;
}

const UNLOCK_SECONDS = 12 * 3600;
const FORM_LIMIT = 4096;

const cookieName = (token: string) => `qrd_unlock_${token}`;

/** `expires.signature`, bound to the code's current password hash: changing the password locks everyone out. */
function unlockValue(secret: Buffer, row: QrCodeRow, expires: number): string {
  const mac = createHmac('sha256', secret)
    .update(`${row.short_token}.${expires}.${row.password_hash}`)
    .digest('base64url');
  return `${expires}.${mac}`;
}

function isUnlocked(value: string | undefined, secret: Buffer, row: QrCodeRow, nowSeconds: number): boolean {
  const expires = Number(value?.split('.')[0]);
  if (!value || !Number.isSafeInteger(expires) || expires < nowSeconds) return false;
  const expected = Buffer.from(unlockValue(secret, row, expires));
  const given = Buffer.from(value);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

/** A self-contained page: its own CSP, never cached. */
export const pageAnswer = (status: number, html: string): Answer => ({
  status,
  headers: [
    ['Content-Security-Policy', PAGE_CSP],
    ['Cache-Control', 'no-store'],
    ['Content-Type', HTML],
  ],
  body: html,
});

/** Applies an answer to a Koa context; Koa adds the Content-Length when the body is set. */
export function applyAnswer(ctx: AppContext, answer: Answer): void {
  ctx.status = answer.status;
  for (const [name, value] of answer.headers) ctx.set(name, value);
  ctx.body = answer.body;
}

// Koa's ctx.redirect() body: one short note, HTML when the client takes HTML, text otherwise.
// Both are computed once per destination, with the Location (see urlAnswer).
export interface RedirectParts {
  html: Answer;
  text: Answer;
}

// encodeurl, as Koa's ctx.redirect() applies it to the Location: characters outside the URL-safe
// set are percent-encoded, existing escapes are kept, lone surrogates become U+FFFD.
const ENCODE_CHARS = /(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]+|%+(?![0-9A-Fa-f]{2})){1,1024}/g;
const SURROGATES = /([\uD800-\uDBFF][\uDC00-\uDFFF])|[\uD800-\uDFFF]/g;
export const encodeLocation = (url: string): string =>
  url.replace(SURROGATES, (_, pair: string | undefined) => pair ?? '\uFFFD').replace(ENCODE_CHARS, encodeURI);

/** The two 302s to a URL code's destination, as Koa's ctx.redirect() would answer them. */
export function redirectParts(destination: string): RedirectParts {
  // Re-serialised as a URL first, as Koa does: it normalises what the code stored.
  const url = /^https?:\/\//i.test(destination) ? new URL(destination).toString() : destination;
  const headers = (type: string) =>
    [
      // Always 302, never 301: phones cache a 301, and later scans would never reach us.
      ['Cache-Control', 'no-store'],
      ['Referrer-Policy', 'no-referrer'],
      ['Location', encodeLocation(url)],
      ['Content-Type', type],
    ] as const;
  return {
    html: { status: 302, headers: headers(HTML), body: `Redirecting to ${escapeHtml(url)}.` },
    text: { status: 302, headers: headers(TEXT), body: `Redirecting to ${url}.` },
  };
}

/** Accept values seen recently (short ones), and whether each takes HTML: phones send a handful of distinct ones. */
const acceptCache = new Map<string, boolean>();
const ACCEPT_CACHE_SIZE = 200;

/**
 * Whether a request with this Accept header takes text/html, decided as Koa's
 * `ctx.accepts('html')` decides it (accepts 1.3 over negotiator 0.6, step by step): a
 * missing or empty header takes anything; otherwise the most specific matching media range
 * (text/html, then text/*, then *\/*; parameters other than q must be empty or `*` to match
 * a bare text/html) decides by its q.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return true;
  const cached = acceptCache.get(accept);
  if (cached !== undefined) return cached;
  let priority = { s: 0, q: 0, o: -1 };
  const ranges = splitOutsideQuotes(accept, ',');
  for (let o = 0; o < ranges.length; o++) {
    const match = /^\s*([^\s/;]+)\/([^;\s]+)\s*(?:;(.*))?$/.exec(ranges[o]!.trim());
    if (!match) continue;
    let q = 1;
    const params = new Map<string, string | undefined>();
    if (match[3]) {
      for (const param of splitOutsideQuotes(match[3], ';')) {
        const text = param.trim();
        const eq = text.indexOf('=');
        const key = (eq === -1 ? text : text.slice(0, eq)).toLowerCase();
        const raw = eq === -1 ? undefined : text.slice(eq + 1);
        const value = raw && raw[0] === '"' && raw[raw.length - 1] === '"' ? raw.slice(1, -1) : raw;
        if (key === 'q') {
          q = parseFloat(value ?? '');
          break;
        }
        params.set(key, value);
      }
    }
    let s = 0;
    if (match[1]!.toLowerCase() === 'text') s |= 4;
    else if (match[1] !== '*') continue;
    if (match[2]!.toLowerCase() === 'html') s |= 2;
    else if (match[2] !== '*') continue;
    if (params.size > 0) {
      // A bare text/html has no parameters: only `*` or an empty value matches.
      if (![...params.values()].every((v) => v === '*' || !v)) continue;
      s |= 1;
    }
    // negotiator's comparison, NaN included: more specific, then higher q, then later.
    if ((priority.s - s || priority.q - q || priority.o - o) < 0) priority = { s, q, o };
  }
  const result = priority.q > 0;
  if (accept.length > 512) return result;
  if (acceptCache.size >= ACCEPT_CACHE_SIZE) acceptCache.delete(acceptCache.keys().next().value!);
  acceptCache.set(accept, result);
  return result;
}

/** Splits on `sep` outside double quotes, as negotiator does. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export type State = 'missing' | 'paused' | 'gone' | 'locked' | 'open';

/**
 * What both ways of answering `GET/HEAD /r/:token` share: the Koa routes below
 * and the fast path in front of Koa (`redirect-fast-path.ts`) call these, so a
 * scan is looked up, judged, captured, recorded and answered the same way
 * whichever of them takes the request.
 */
export class RedirectCore {
  readonly logger: Logger;
  private readonly now: () => number;
  private readonly parts = new WeakMap<QrCodeRow, RedirectParts>();

  constructor(readonly deps: RedirectDeps) {
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
  }

  /** The live dynamic code behind a token (from the store's in-memory cache of redirect targets). */
  find(token: string): QrCodeRow | undefined {
    const row = this.deps.store.qrCodes.findByToken(token);
    return row && row.deleted_at === null && row.kind === 'dynamic' ? row : undefined;
  }

  /**
   * Where a code stands for this visitor right now. maxScans counts scans queued but not yet
   * written. `unlockCookie` is read only for a password-protected code.
   */
  stateOf(row: QrCodeRow | undefined, unlockCookie: (name: string) => string | undefined): State {
    if (!row) return 'missing';
    if (row.status === 'paused') return 'paused';
    const at = this.now();
    if (row.expires_at !== null && row.expires_at <= at) return 'gone';
    if (row.max_scans !== null && row.scan_count + this.deps.recorder.pendingFor(row.id) >= row.max_scans)
      return 'gone';
    if (
      row.password_hash !== null &&
      !isUnlocked(unlockCookie(cookieName(row.short_token!)), this.deps.secret, row, Math.floor(at / 1000))
    )
      return 'locked';
    return 'open';
  }

  /**
   * Captures and records the scan of a GET (HEAD is not a scan); resolves once it is committed.
   * Capture runs synchronously, before the caller's next await, so maxScans stays exact.
   */
  recordScan(req: IncomingMessage, row: QrCodeRow): Promise<void> {
    return this.deps.recorder.record({ ...this.deps.capture(req), qr_code_id: row.id, scanned_at: this.now() });
  }

  /** The 302 of an open URL code, for a request with this Accept header. */
  urlAnswer(row: QrCodeRow, accept: string | undefined): Answer {
    let parts = this.parts.get(row);
    if (!parts) {
      parts = redirectParts(JSON.parse(row.content) as string);
      this.parts.set(row, parts);
    }
    return acceptsHtml(accept) ? parts.html : parts.text;
  }

  /** The page for a scan that could not be recorded: no redirect without its scan. */
  scanFailed(err: unknown, requestId: string, acceptLanguage: string | undefined): Answer {
    this.logger.error({ err, requestId }, 'scan not recorded');
    const lang = pageLanguage(acceptLanguage);
    return pageAnswer(503, messagePage(lang, texts(lang).errorTitle, texts(lang).error));
  }
}

/**
 * The public endpoint a printed dynamic code points at: `GET/HEAD /r/:token`
 * (302 to the destination, or the hosted page of a text, vCard or event code),
 * `POST /r/:token` for the password form, and the .vcf/.ics downloads.
 */
export function mountRedirects(router: Router<AppState>, core: RedirectCore): void {
  const { deps } = core;
  const now = deps.now ?? Date.now;
  // Five wrong passwords per code and client per 15 minutes.
  const attempts = new RateLimiterMemory({ points: 5, duration: 900, keyPrefix: 'pw' });

  const stateOf = (ctx: AppContext, row: QrCodeRow | undefined): State =>
    core.stateOf(row, (name) => ctx.cookies.get(name));
  const sendPage = (ctx: AppContext, status: number, html: string) => applyAnswer(ctx, pageAnswer(status, html));

  const refuse = (ctx: AppContext, lang: PageLanguage, state: Exclude<State, 'open'>) => {
    const t = texts(lang);
    if (state === 'missing') return sendPage(ctx, 404, messagePage(lang, t.notFoundTitle, t.notFound));
    if (state === 'paused') return sendPage(ctx, 503, messagePage(lang, t.pausedTitle, t.paused));
    if (state === 'gone') return sendPage(ctx, 410, messagePage(lang, t.goneTitle, t.gone));
    return sendPage(ctx, 200, passwordPage(lang, `/r/${tokenPath(ctx)}`));
  };
  const tokenPath = (ctx: AppContext) => encodeURIComponent(ctx.params.token ?? '');

  /** The answer for an open code, once its scan (if any) is committed. */
  const answer = (ctx: AppContext, lang: PageLanguage, row: QrCodeRow) => {
    if (row.type === 'url') return applyAnswer(ctx, core.urlAnswer(row, ctx.req.headers.accept));
    const content = JSON.parse(row.content) as unknown;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    const t = texts(lang);
    const token = tokenPath(ctx);
    if (row.type === 'text')
      return sendPage(ctx, 200, page(lang, row.name, `<p class="text">${escapeHtml(content as string)}</p>`));
    const download =
      row.type === 'vcard'
        ? `<a class="button" href="/r/${token}/contact.vcf">${escapeHtml(t.addContact)}</a>`
        : `<a class="button" href="/r/${token}/event.ics">${escapeHtml(t.addEvent)}</a>`;
    const text = encodePayload(row.type as QrType, content as never);
    return sendPage(ctx, 200, page(lang, row.name, `<p class="text">${escapeHtml(text)}</p>${download}`));
  };

  router.get('/r/:token', async (ctx) => {
    const lang = pageLanguage(ctx.get('Accept-Language'));
    const row = core.find(ctx.params.token ?? '');
    const state = stateOf(ctx, row);
    if (state !== 'open') return refuse(ctx, lang, state);
    // HEAD (link checkers, some previewers) gets the same answer but is not a scan.
    if (ctx.method === 'GET') {
      try {
        await core.recordScan(ctx.req, row!);
      } catch (err) {
        return applyAnswer(ctx, core.scanFailed(err, ctx.state.requestId, ctx.get('Accept-Language')));
      }
    }
    answer(ctx, lang, row!);
  });

  router.post('/r/:token', async (ctx) => {
    const lang = pageLanguage(ctx.get('Accept-Language'));
    const t = texts(lang);
    const row = core.find(ctx.params.token ?? '');
    const state = stateOf(ctx, row);
    if (state !== 'locked') {
      // Nothing to unlock: show the code as a GET would, without counting a scan here.
      if (state !== 'open') return refuse(ctx, lang, state);
      ctx.status = 303;
      ctx.redirect(`/r/${tokenPath(ctx)}`);
      return;
    }
    let password: string;
    try {
      const body = await getRawBody(ctx.req, { limit: FORM_LIMIT, encoding: 'utf8' });
      password = new URLSearchParams(body).get('password') ?? '';
    } catch {
      return sendPage(ctx, 413, passwordPage(lang, `/r/${tokenPath(ctx)}`, t.passwordWrong));
    }
    const limiterKey = `${row!.id}:${deps.clientKey(ctx.req)}`;
    const blocked = await attempts.get(limiterKey);
    if (blocked && blocked.consumedPoints >= 5) {
      ctx.set('Retry-After', String(Math.ceil(blocked.msBeforeNext / 1000)));
      return sendPage(ctx, 429, messagePage(lang, t.tooManyTitle, t.tooMany));
    }
    if (!(await verifyPassword(password, row!.password_hash!))) {
      try {
        await attempts.consume(limiterKey);
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
      }
      return sendPage(ctx, 401, passwordPage(lang, `/r/${tokenPath(ctx)}`, t.passwordWrong));
    }
    await attempts.delete(limiterKey);
    const expires = Math.floor(now() / 1000) + UNLOCK_SECONDS;
    ctx.cookies.set(cookieName(row!.short_token!), unlockValue(deps.secret, row!, expires), {
      path: `/r/${row!.short_token}`,
      httpOnly: true,
      sameSite: 'lax',
      maxAge: UNLOCK_SECONDS * 1000,
      overwrite: true,
    });
    // See other: the GET that follows carries the cookie and is the scan.
    ctx.status = 303;
    ctx.redirect(`/r/${tokenPath(ctx)}`);
  });

  for (const [file, type, mime] of [
    ['contact.vcf', 'vcard', 'text/vcard; charset=utf-8'],
    ['event.ics', 'event', 'text/calendar; charset=utf-8'],
  ] as const) {
    router.get(`/r/:token/${file}`, (ctx) => {
      const lang = pageLanguage(ctx.get('Accept-Language'));
      const row = core.find(ctx.params.token ?? '');
      const state = stateOf(ctx, row?.type === type ? row : undefined);
      if (state !== 'open') return refuse(ctx, lang, state);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Content-Disposition', `attachment; filename="${file}"`);
      ctx.type = mime;
      ctx.body = encodePayload(type, JSON.parse(row!.content) as never);
    });
  }
}
