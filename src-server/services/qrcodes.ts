import { randomBytes } from 'node:crypto';
import { CONTENT_SCHEMAS, type QrType } from '../../src-shared/schemas/content';
import {
  applyDesign,
  DEFAULT_DESIGN,
  storedDesign,
  type Design,
  type DesignInput,
} from '../../src-shared/schemas/design';
import {
  CreateQrCodeInput,
  type ListQrCodesQuery,
  type QrCode,
  type UpdateQrCodeInput,
} from '../../src-shared/schemas/qrcodes';
import { encodePayload } from '../../src-shared/payloads';
import { payloadCapacityProblem } from '../../src-shared/qr-capacity';
import { type ErrorDetail } from '../../src-shared/errors';
import { AppError, notFound } from '../errors';
import { newId, toIso } from '../ids';
import { decodeCursor, toPage } from '../store/pagination';
import type { QrCodeFilter, QrCodeRow } from '../store/qrcode-store';
import type { Store } from '../store/store';
import { validate } from '../validation';
import type { EventSink } from './events';
import type { FolderService } from './folders';
import { hashPassword } from './passwords';
import type { SettingsService } from './settings';
import { z } from 'zod';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_LENGTH = 10;

/** 10 base62 characters (about 59 bits): unguessable enough that tokens cannot be enumerated. */
function randomToken(): string {
  let token = '';
  while (token.length < TOKEN_LENGTH) {
    for (const byte of randomBytes(16)) {
      // 248 = 4 * 62: dropping bytes above it keeps every character equally likely.
      if (byte < 248 && token.length < TOKEN_LENGTH) token += BASE62[byte % 62];
    }
  }
  return token;
}

/** All the text inside a content value, for search. */
function textOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(textOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(textOf);
  return [];
}

/** A readable default name from the content, e.g. "Wi-Fi Café Guest" or "example.com/menu". */
export function defaultName(type: QrType, content: unknown): string {
  const c = (typeof content === 'object' && content !== null ? content : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  let text: string;
  switch (type) {
    case 'url': {
      try {
        const url = new URL(str(content));
        text = url.host + (url.pathname === '/' ? '' : url.pathname);
      } catch {
        text = str(content);
      }
      break;
    }
    case 'text':
      text = str(content).split('\n')[0] ?? '';
      break;
    case 'wifi':
      text = `Wi-Fi ${str(c.ssid)}`;
      break;
    case 'vcard':
      text = [str(c.firstName), str(c.lastName)].filter(Boolean).join(' ') || str(c.organization);
      break;
    case 'email':
      text = `Email ${str(c.to)}`;
      break;
    case 'phone':
      text = `Call ${str(content)}`;
      break;
    case 'sms':
      text = `SMS ${str(c.phone)}`;
      break;
    case 'whatsapp':
      text = `WhatsApp ${str(c.phone)}`;
      break;
    case 'geo':
      text = str(c.label) || `Location ${String(c.latitude)}, ${String(c.longitude)}`;
      break;
    case 'event':
      text = str(c.title);
      break;
    case 'payment':
      text = `Payment to ${str(c.name)}`;
      break;
    case 'social':
      text = str(c.handle) ? `${str(c.network)} ${str(c.handle)}` : str(c.url);
      break;
    default:
      text = '';
  }
  const trimmed = [...text.trim()].slice(0, 100).join('');
  return trimmed || `${type} code`;
}

function rowToQrCode(row: QrCodeRow, now: number): QrCode {
  const expired =
    (row.expires_at !== null && row.expires_at <= now) || (row.max_scans !== null && row.scan_count >= row.max_scans);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    type: row.type as QrType,
    content: JSON.parse(row.content) as unknown,
    payload: row.payload,
    shortToken: row.short_token,
    shortUrl: row.short_url,
    status: row.status === 'paused' ? 'paused' : expired ? 'expired' : 'active',
    design: storedDesign(row.design),
    category: row.category,
    tags: JSON.parse(row.tags) as string[],
    folderId: row.folder_id,
    isFavorite: row.is_favorite === 1,
    protection: { hasPassword: row.password_hash !== null, expiresAt: toIso(row.expires_at), maxScans: row.max_scans },
    scanCount: row.scan_count,
    lastScannedAt: toIso(row.last_scanned_at),
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    deletedAt: toIso(row.deleted_at),
  };
}

/** Refuses content that could never be printed as a QR code at the design's error-correction level. */
function checkCapacity(payload: string, design: Design): void {
  const problem = payloadCapacityProblem(payload, design.errorCorrection);
  if (problem)
    throw new AppError('VALIDATION_ERROR', `Invalid body: content: ${problem}`, [
      { path: 'content', message: problem },
    ]);
}

/** What `q` searches: the name and the content, not the payload (whose syntax, e.g. WIFI:T:, would match everything). */
export const searchText = (name: string, content: unknown): string =>
  [name, ...textOf(content)].join('\n').toLowerCase();

const passwordHashFor = (input: CreateQrCodeInput): Promise<string | null> =>
  input.protection?.password ? hashPassword(input.protection.password) : Promise.resolve(null);

export interface BulkItemResult {
  index: number;
  status: number;
  data?: QrCode;
  error?: { code: string; message: string; details?: ErrorDetail[] };
}

/** The QR code library: create, read, change, trash and restore codes. */
export class QrCodeService {
  constructor(
    private readonly store: Store,
    private readonly settings: SettingsService,
    private readonly folders: FolderService,
    private readonly now: () => number = Date.now,
    /** Told about created, changed and deleted codes (webhooks), in the transaction that made the change. */
    private readonly events?: EventSink,
  ) {}

  /** A logo the client names must exist (one already saved may have been force-deleted: it then renders without). */
  private checkLogo(design: DesignInput | undefined): void {
    const assetId = design?.logo?.assetId;
    if (assetId && !this.store.assets.findMeta(assetId)) {
      throw new AppError('VALIDATION_ERROR', `Invalid body: design.logo.assetId: no asset ${assetId}`, [
        { path: 'design.logo.assetId', message: `No asset ${assetId}; upload the logo with POST /api/v1/assets first` },
      ]);
    }
  }

  /**
   * Builds the row for a new code, checking what only the database can check;
   * inserts nothing. Synchronous on purpose: the caller inserts in the same
   * tick, so no other request can take the folder or token away in between.
   */
  private prepare(
    input: CreateQrCodeInput,
    passwordHash: string | null,
    reservedTokens: Set<string>,
    at: number,
  ): QrCodeRow {
    if (input.folderId != null && !this.folders.exists(input.folderId)) {
      throw new AppError('VALIDATION_ERROR', 'Invalid body: folderId: no such folder', [
        { path: 'folderId', message: 'No such folder' },
      ]);
    }
    let shortToken: string | null = null;
    let shortUrl: string | null = null;
    if (input.kind === 'dynamic') {
      if (input.slug !== undefined) {
        if (reservedTokens.has(input.slug) || this.store.qrCodes.isTokenTaken(input.slug)) {
          throw new AppError('CONFLICT', `The slug "${input.slug}" is already taken.`, [
            { path: 'slug', message: 'Already taken' },
          ]);
        }
        shortToken = input.slug;
      } else {
        do shortToken = randomToken();
        while (reservedTokens.has(shortToken) || this.store.qrCodes.isTokenTaken(shortToken));
      }
      reservedTokens.add(shortToken);
      // Frozen now: changing the setting later must not break codes already printed.
      shortUrl = `${this.settings.get().publicBaseUrl}/r/${shortToken}`;
    }
    const payload = shortUrl ?? encodePayload(input.type, input.content);
    const design = applyDesign(DEFAULT_DESIGN, input.design);
    checkCapacity(payload, design);
    this.checkLogo(input.design);
    const name = input.name ?? defaultName(input.type, input.content);
    const protection = input.protection ?? {};
    return {
      id: newId('qr'),
      name,
      kind: input.kind,
      type: input.type,
      content: JSON.stringify(input.content),
      payload,
      short_token: shortToken,
      short_url: shortUrl,
      status: input.status ?? 'active',
      design: JSON.stringify(design),
      category: input.category ?? null,
      category_key: input.category?.toLowerCase() ?? null,
      tags: JSON.stringify(input.tags ?? []),
      folder_id: input.folderId ?? null,
      is_favorite: input.isFavorite ? 1 : 0,
      password_hash: passwordHash,
      expires_at: protection.expiresAt ? Date.parse(protection.expiresAt) : null,
      max_scans: protection.maxScans ?? null,
      scan_count: 0,
      last_scanned_at: null,
      search_text: searchText(name, input.content),
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
  }

  async create(input: CreateQrCodeInput): Promise<QrCode> {
    // The slow part first: everything after it runs in one synchronous step.
    const passwordHash = await passwordHashFor(input);
    const at = this.now();
    const row = this.prepare(input, passwordHash, new Set(), at);
    const code = rowToQrCode(row, at);
    this.store.transaction(() => {
      this.store.qrCodes.insertMany([row]);
      this.events?.emit('qrcode.created', code);
    });
    return code;
  }

  /**
   * Creates up to 100 codes. Not all-or-nothing: each item is validated on its
   * own, the valid ones are inserted together in one transaction, and every
   * item gets a result with its index.
   */
  async createMany(items: readonly unknown[]): Promise<{ created: number; failed: number; results: BulkItemResult[] }> {
    const results: BulkItemResult[] = [];
    const failed = (index: number, err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      results.push({
        index,
        status: err.status,
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      });
    };
    const valid: { index: number; input: CreateQrCodeInput }[] = [];
    for (const [index, item] of items.entries()) {
      try {
        valid.push({ index, input: validate(CreateQrCodeInput, item, `items.${index}`) });
      } catch (err) {
        failed(index, err);
      }
    }
    // Password hashes run in parallel on libuv's thread pool; then the rest is one synchronous step.
    const hashes = await Promise.all(valid.map(({ input }) => passwordHashFor(input)));
    const at = this.now();
    const reserved = new Set<string>();
    const rows: { index: number; row: QrCodeRow }[] = [];
    for (const [i, { index, input }] of valid.entries()) {
      try {
        rows.push({ index, row: this.prepare(input, hashes[i]!, reserved, at) });
      } catch (err) {
        failed(index, err);
      }
    }
    const created = rows.map(({ index, row }) => ({ index, code: rowToQrCode(row, at) }));
    this.store.transaction(() => {
      this.store.qrCodes.insertMany(rows.map((r) => r.row));
      for (const { code } of created) this.events?.emit('qrcode.created', code);
    });
    for (const { index, code } of created) results.push({ index, status: 201, data: code });
    results.sort((a, b) => a.index - b.index);
    return { created: rows.length, failed: items.length - rows.length, results };
  }

  private row(id: string): QrCodeRow {
    const row = this.store.qrCodes.findById(id);
    if (!row) throw notFound('QR code');
    return row;
  }

  get(id: string): QrCode {
    return rowToQrCode(this.row(id), this.now());
  }

  list(query: ListQrCodesQuery) {
    const now = this.now();
    const filter: QrCodeFilter = {
      trashed: query.trashed ?? false,
      type: query.type,
      kind: query.kind,
      status: query.status,
      q: query.q?.toLowerCase(),
      category: query.category?.toLowerCase(),
      tag: query.tag,
      folderId: query.folderId === 'none' ? null : query.folderId,
      favorite: query.favorite,
      now,
    };
    if (query.page !== undefined) {
      const total = this.store.qrCodes.count(filter);
      const rows = this.store.qrCodes.listOffset(filter, query.limit, (query.page - 1) * query.limit);
      return {
        data: rows.map((r) => rowToQrCode(r, now)),
        nextCursor: null,
        pagination: { total, page: query.page, limit: query.limit, pages: Math.ceil(total / query.limit) },
      };
    }
    const page = toPage(this.store.qrCodes.listPage(filter, query.limit, decodeCursor(query.cursor)), query.limit);
    return { data: page.rows.map((r) => rowToQrCode(r, now)), nextCursor: page.nextCursor };
  }

  async update(id: string, patch: UpdateQrCodeInput): Promise<QrCode> {
    // Hash first: reading, checking and writing the row then happen in one synchronous step,
    // so a concurrent change (or a move to the trash) cannot be overwritten.
    const password = patch.protection?.password;
    const newHash = password ? await hashPassword(password) : null;
    const row = this.row(id);
    if (row.deleted_at !== null) throw new AppError('CONFLICT', 'The code is in the trash; restore it first.');
    const type = row.type as QrType;
    const content =
      patch.content === undefined
        ? (JSON.parse(row.content) as unknown)
        : validate(z.object({ content: CONTENT_SCHEMAS[type] }), { content: patch.content }, 'body').content;
    if (patch.folderId != null && !this.folders.exists(patch.folderId)) {
      throw new AppError('VALIDATION_ERROR', 'Invalid body: folderId: no such folder', [
        { path: 'folderId', message: 'No such folder' },
      ]);
    }
    const protection = patch.protection ?? {};
    if (row.kind === 'static' && patch.protection !== undefined) {
      throw new AppError('VALIDATION_ERROR', 'Invalid body: protection: only dynamic codes can be protected', [
        { path: 'protection', message: 'Only dynamic codes can be protected' },
      ]);
    }
    // A dynamic code keeps its token and short URL: only where it leads changes.
    const payload = row.kind === 'dynamic' ? row.payload : encodePayload(type, content as never);
    const design = applyDesign(storedDesign(row.design), patch.design);
    checkCapacity(payload, design);
    this.checkLogo(patch.design);
    const name = patch.name ?? row.name;
    const next: QrCodeRow = {
      ...row,
      name,
      content: JSON.stringify(content),
      payload,
      status: patch.status ?? row.status,
      design: JSON.stringify(design),
      category: patch.category === undefined ? row.category : patch.category,
      category_key: patch.category === undefined ? row.category_key : (patch.category?.toLowerCase() ?? null),
      tags: patch.tags === undefined ? row.tags : JSON.stringify(patch.tags),
      folder_id: patch.folderId === undefined ? row.folder_id : patch.folderId,
      is_favorite: patch.isFavorite === undefined ? row.is_favorite : patch.isFavorite ? 1 : 0,
      password_hash: protection.password === undefined ? row.password_hash : newHash,
      expires_at:
        protection.expiresAt === undefined
          ? row.expires_at
          : protection.expiresAt === null
            ? null
            : Date.parse(protection.expiresAt),
      max_scans: protection.maxScans === undefined ? row.max_scans : protection.maxScans,
      search_text: searchText(name, content),
      updated_at: this.now(),
    };
    return this.store.transaction(() => {
      this.store.qrCodes.update(next);
      const code = this.get(id);
      this.events?.emit('qrcode.updated', code);
      return code;
    });
  }

  /** Moves the code to the trash, or with `permanent` deletes it for good. */
  remove(id: string, permanent: boolean): { id: string; permanent: boolean; deletedAt: string } {
    this.row(id);
    const at = this.now();
    return this.store.transaction(() => {
      if (permanent) {
        this.store.qrCodes.remove(id);
        this.store.idempotency.forgetResource(id);
      } else {
        this.store.qrCodes.trash(id, at);
      }
      const deletedAt = permanent ? toIso(at)! : this.get(id).deletedAt!;
      const result = { id, permanent, deletedAt };
      this.events?.emit('qrcode.deleted', result);
      return result;
    });
  }

  /** Brings a code back from the trash; restoring a code not in the trash changes nothing. */
  restore(id: string): QrCode {
    this.row(id);
    return this.store.transaction(() => {
      this.store.qrCodes.restore(id, this.now());
      const code = this.get(id);
      this.events?.emit('qrcode.updated', code);
      return code;
    });
  }
}
