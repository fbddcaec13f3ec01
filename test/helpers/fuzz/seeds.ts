import fc from 'fast-check';
import { PoolRef } from './schema-values';

/**
 * A seed corpus: hand-written valid bodies for the operations whose rules
 * span several fields (a batch needs a type or a barcode format, and a source
 * or inline items), which values drawn field by field from the schema almost
 * never satisfy. The fuzzer sends them as they are and mutates them, so the
 * deep paths (rendering, batch jobs, dynamic codes with protection) see
 * hostile input too.
 */

const ref = (pool: string) => fc.nat({ max: 1000 }).map((i) => new PoolRef(pool, i, 'missing'));
const source = ref('/api/v1/batch-sources');
const asset = ref('/api/v1/assets');
const folder = ref('/api/v1/folders');

const GRADIENT = {
  type: 'linear',
  rotation: 0.7,
  colorStops: [
    { offset: 0, color: '#1A1A2E' },
    { offset: 1, color: '#E94560' },
  ],
};

const CODES: fc.Arbitrary<Record<string, unknown>>[] = [
  fc.constant({ type: 'url', content: 'https://menu.invalid/carte' }),
  fc.constant({
    type: 'text',
    content: 'Crème brûlée 🍮',
    name: 'Dessert',
    tags: ['menu', 'Desserts'],
    category: 'Café',
  }),
  fc.constant({
    type: 'url',
    kind: 'dynamic',
    content: 'https://menu.invalid/dyn',
    protection: { password: 'croissant', maxScans: 10, expiresAt: '2099-01-01T00:00:00Z' },
  }),
  fc
    .stringMatching(/^[A-Za-z0-9_-]{3,20}$/)
    .map((slug) => ({ type: 'text', kind: 'dynamic', content: 'Today: soup', slug })),
  folder.map((folderId) => ({ type: 'url', content: 'https://menu.invalid/f', folderId, isFavorite: true })),
  asset.map((assetId) => ({
    type: 'url',
    content: 'https://menu.invalid/logo',
    design: { logo: { assetId, size: 0.2 }, errorCorrection: 'H', dotStyle: 'rounded', gradient: GRADIENT },
  })),
  fc.constant({
    type: 'wifi',
    content: { ssid: 'Café Wi-Fi', password: 'croissant42', encryption: 'WPA' },
    design: { frame: { text: 'Scan me' }, cornerSquareStyle: 'extra-rounded', margin: 2 },
  }),
];

const ITEMS = [{ content: 'https://menu.invalid/1', name: 'One' }, { content: 'https://menu.invalid/2' }];

export const SEED_BODIES: Record<string, fc.Arbitrary<unknown>> = {
  createQrCode: fc.oneof(...CODES),
  createQrCodesInBulk: fc.array(fc.oneof(...CODES), { minLength: 1, maxLength: 4 }).map((items) => ({ items })),
  renderQrCode: fc.record({
    type: fc.constant('url'),
    content: fc.constant('https://menu.invalid/r'),
    format: fc.constantFrom('svg', 'png', 'jpeg', 'webp', 'pdf', 'eps'),
    size: fc.integer({ min: 64, max: 512 }),
  }),
  checkScannability: fc.constant({ type: 'text', content: 'hello', design: { foregroundColor: '#777777' } }),
  previewBatch: fc.oneof(
    source.map((sourceId) => ({ sourceId, type: 'url', mapping: { content: 2, name: 1 } })),
    source.map((sourceId) => ({ sourceId, barcodeFormat: 'CODE128', mapping: { value: { template: 'SKU-{seq}' } } })),
  ),
  createBatch: fc.oneof(
    fc.constant({ source: { items: ITEMS }, type: 'url', outputs: { formats: ['svg'] } }),
    fc.constant({ source: { items: ITEMS }, type: 'url', kind: 'dynamic', outputs: { formats: ['png'], size: 64 } }),
    fc.constant({
      source: { items: [{ value: '5901234123457' }] },
      barcodeFormat: 'EAN13',
      outputs: { formats: ['svg'] },
    }),
    fc.constant({ source: { items: ITEMS }, type: 'url', outputs: { sheet: { template: 'avery-l7160' } } }),
    source.map((sourceId) => ({
      source: { sourceId },
      type: 'url',
      mapping: { content: 2 },
      outputs: { formats: ['svg'] },
    })),
  ),
  createBarcode: fc.constant({ format: 'EAN13', value: '590123412345', name: 'Jam' }),
  renderBarcode: fc.constantFrom(
    { format: 'EAN13', value: '5901234123457' },
    { format: 'QR', value: 'héllo 🍕' },
    { format: 'GS1_128', value: '(01)09501101530003(17)260101' },
  ),
  createWebhook: fc.constant({ url: 'http://127.0.0.1:9/hook', events: ['qrcode.created', 'qrcode.deleted'] }),
  createDesignPreset: fc.constant({ name: 'Brand', design: { foregroundColor: '#1A1A2E', gradient: GRADIENT } }),
};
