import { createHmac, timingSafeEqual } from 'node:crypto';
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
export type CaptureScan = (ctx: AppContext) => Omit<ScanToRecord, 'qr_code_id' | 'scanned_at'>;

export interface RedirectDeps {
  store: Store;
  recorder: ScanRecorder;
  capture: CaptureScan;
  /** The client address used to limit password attempts; kept in memory only, for 15 minutes. */
  clientKey: (ctx: AppContext) => string;
  /** Signs the cookie that spares a re-scan the password prompt. */
  secret: Buffer;
  logger: Logger;
  now?: () => number;
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

function isUnlocked(ctx: AppContext, secret: Buffer, row: QrCodeRow, nowSeconds: number): boolean {
  const value = ctx.cookies.get(cookieName(row.short_token!));
  const expires = Number(value?.split('.')[0]);
  if (!value || !Number.isSafeInteger(expires) || expires < nowSeconds) return false;
  const expected = Buffer.from(unlockValue(secret, row, expires));
  const given = Buffer.from(value);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function sendPage(ctx: AppContext, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}

type State = 'missing' | 'paused' | 'gone' | 'locked' | 'open';

/**
 * The public endpoint a printed dynamic code points at: `GET/HEAD /r/:token`
 * (302 to the destination, or the hosted page of a text, vCard or event code),
 * `POST /r/:token` for the password form, and the .vcf/.ics downloads.
 */
export function mountRedirects(router: Router<AppState>, deps: RedirectDeps): void {
  const now = deps.now ?? Date.now;
  // Five wrong passwords per code and client per 15 minutes.
  const attempts = new RateLimiterMemory({ points: 5, duration: 900, keyPrefix: 'pw' });

  const find = (token: string) => {
    const row = deps.store.qrCodes.findByToken(token);
    return row && row.deleted_at === null && row.kind === 'dynamic' ? row : undefined;
  };

  /** Where a code stands for this visitor right now. maxScans counts scans queued but not yet written. */
  const stateOf = (ctx: AppContext, row: QrCodeRow | undefined): State => {
    if (!row) return 'missing';
    if (row.status === 'paused') return 'paused';
    const at = now();
    if (row.expires_at !== null && row.expires_at <= at) return 'gone';
    if (row.max_scans !== null && row.scan_count + deps.recorder.pendingFor(row.id) >= row.max_scans) return 'gone';
    if (row.password_hash !== null && !isUnlocked(ctx, deps.secret, row, Math.floor(at / 1000))) return 'locked';
    return 'open';
  };

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
    const content = JSON.parse(row.content) as unknown;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (row.type === 'url') {
      // Always 302, never 301: phones cache a 301, and later scans would never reach us.
      ctx.redirect(content as string);
      return;
    }
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
    const row = find(ctx.params.token ?? '');
    const state = stateOf(ctx, row);
    if (state !== 'open') return refuse(ctx, lang, state);
    // HEAD (link checkers, some previewers) gets the same answer but is not a scan.
    if (ctx.method === 'GET') {
      try {
        await deps.recorder.record({ ...deps.capture(ctx), qr_code_id: row!.id, scanned_at: now() });
      } catch (err) {
        deps.logger.error({ err, requestId: ctx.state.requestId }, 'scan not recorded');
        return sendPage(ctx, 503, messagePage(lang, texts(lang).errorTitle, texts(lang).error));
      }
    }
    answer(ctx, lang, row!);
  });

  router.post('/r/:token', async (ctx) => {
    const lang = pageLanguage(ctx.get('Accept-Language'));
    const t = texts(lang);
    const row = find(ctx.params.token ?? '');
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
    const limiterKey = `${row!.id}:${deps.clientKey(ctx)}`;
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
      const row = find(ctx.params.token ?? '');
      const state = stateOf(ctx, row?.type === type ? row : undefined);
      if (state !== 'open') return refuse(ctx, lang, state);
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Content-Disposition', `attachment; filename="${file}"`);
      ctx.type = mime;
      ctx.body = encodePayload(type, JSON.parse(row!.content) as never);
    });
  }
}
