import type { BarcodeFormat } from '../../../../src-shared/barcodes';
import type { QrType } from '../../../../src-shared/schemas/content';

/**
 * What a batch row can feed: the content fields of each QR type (as the
 * server's mapping names them: `ssid`, `address.city`, `phones.0.number`),
 * with the words a column header is likely to use for each, so a fresh
 * mapping can be guessed from the file's headers.
 */
export interface ContentField {
  /** The field path; '' for the types whose content is one string (url, text, phone). */
  path: string;
  required?: boolean;
  /** Lower-case header words that suggest this field. */
  hints: string[];
}

const WHOLE = (hints: string[]): ContentField[] => [{ path: '', required: true, hints }];

export const CONTENT_FIELDS: Record<QrType, ContentField[]> = {
  url: WHOLE(['url', 'link', 'website', 'web', 'href', 'address', 'lien', 'adresse']),
  text: WHOLE(['text', 'content', 'message', 'value', 'texte', 'contenu']),
  phone: WHOLE(['phone', 'tel', 'telephone', 'mobile', 'number', 'téléphone', 'numéro']),
  wifi: [
    { path: 'ssid', required: true, hints: ['ssid', 'network', 'wifi', 'réseau'] },
    { path: 'password', hints: ['password', 'pass', 'key', 'mot de passe', 'clé'] },
    { path: 'encryption', hints: ['encryption', 'security', 'auth', 'chiffrement', 'sécurité'] },
    { path: 'hidden', hints: ['hidden', 'caché'] },
  ],
  vcard: [
    { path: 'firstName', hints: ['first name', 'firstname', 'given name', 'prénom'] },
    { path: 'lastName', hints: ['last name', 'lastname', 'surname', 'family name', 'nom'] },
    { path: 'organization', hints: ['organization', 'organisation', 'company', 'société', 'entreprise'] },
    { path: 'title', hints: ['title', 'job title', 'position', 'fonction', 'titre'] },
    { path: 'phones.0.number', hints: ['phone', 'tel', 'mobile', 'téléphone'] },
    { path: 'emails.0', hints: ['email', 'e-mail', 'mail', 'courriel'] },
    { path: 'website', hints: ['website', 'url', 'web', 'site'] },
    { path: 'address.street', hints: ['street', 'address', 'rue', 'adresse'] },
    { path: 'address.city', hints: ['city', 'town', 'ville'] },
    { path: 'address.postalCode', hints: ['postal code', 'postcode', 'zip', 'code postal'] },
    { path: 'address.region', hints: ['region', 'state', 'région'] },
    { path: 'address.country', hints: ['country', 'pays'] },
    { path: 'note', hints: ['note', 'notes', 'remarque'] },
  ],
  email: [
    { path: 'to', required: true, hints: ['to', 'email', 'e-mail', 'recipient', 'destinataire'] },
    { path: 'subject', hints: ['subject', 'objet', 'sujet'] },
    { path: 'body', hints: ['body', 'message', 'text', 'corps'] },
  ],
  sms: [
    { path: 'phone', required: true, hints: ['phone', 'tel', 'mobile', 'number', 'téléphone'] },
    { path: 'message', hints: ['message', 'text', 'body', 'texte'] },
  ],
  whatsapp: [
    { path: 'phone', required: true, hints: ['phone', 'tel', 'mobile', 'whatsapp', 'téléphone'] },
    { path: 'message', hints: ['message', 'text', 'texte'] },
  ],
  geo: [
    { path: 'latitude', required: true, hints: ['latitude', 'lat'] },
    { path: 'longitude', required: true, hints: ['longitude', 'lng', 'lon', 'long'] },
    { path: 'label', hints: ['label', 'name', 'place', 'nom', 'lieu'] },
  ],
  event: [
    { path: 'title', required: true, hints: ['title', 'event', 'name', 'titre', 'événement'] },
    { path: 'start', required: true, hints: ['start', 'begin', 'date', 'début'] },
    { path: 'end', hints: ['end', 'finish', 'fin'] },
    { path: 'allDay', hints: ['all day', 'allday', 'journée'] },
    { path: 'timezone', hints: ['timezone', 'time zone', 'tz', 'fuseau'] },
    { path: 'location', hints: ['location', 'place', 'venue', 'lieu'] },
    { path: 'description', hints: ['description', 'details', 'détails'] },
  ],
  payment: [
    { path: 'name', required: true, hints: ['name', 'beneficiary', 'payee', 'bénéficiaire', 'nom'] },
    { path: 'iban', required: true, hints: ['iban'] },
    { path: 'bic', hints: ['bic', 'swift'] },
    { path: 'amount', hints: ['amount', 'price', 'total', 'montant', 'prix'] },
    { path: 'reference', hints: ['reference', 'ref', 'référence'] },
    { path: 'text', hints: ['text', 'remittance', 'memo', 'libellé', 'texte'] },
  ],
  social: [
    { path: 'network', hints: ['network', 'platform', 'réseau'] },
    { path: 'handle', hints: ['handle', 'username', 'user', 'account', 'compte'] },
    { path: 'url', hints: ['url', 'profile', 'link', 'profil', 'lien'] },
  ],
};

/** Header words for the code's name and caption. */
export const NAME_HINTS = ['name', 'title', 'label', 'product', 'nom', 'titre', 'libellé', 'produit'];
export const CAPTION_HINTS = ['caption', 'légende'];
export const VALUE_HINTS = ['gtin', 'ean', 'upc', 'barcode', 'code', 'sku', 'value', 'valeur', 'code-barres'];

/** Design fields a column may set per row, with the values each takes (null: a #RRGGBB colour). */
export const DESIGN_OVERRIDE_FIELDS = [
  'foregroundColor',
  'backgroundColor',
  'cornerSquareColor',
  'cornerDotColor',
  'dotStyle',
  'cornerSquareStyle',
  'cornerDotStyle',
  'errorCorrection',
  'margin',
] as const;
export type DesignOverrideField = (typeof DESIGN_OVERRIDE_FIELDS)[number];

/** Barcode symbologies offered for batches (QR codes are made as QR batches, with a design). */
export const BATCH_BARCODE_FORMATS: readonly BarcodeFormat[] = [
  'EAN13',
  'EAN8',
  'UPCA',
  'UPCE',
  'ITF14',
  'GS1_128',
  'CODE128',
  'CODE39',
  'DATAMATRIX',
  'PDF417',
  'AZTEC',
];

/**
 * A symbology the sample values suggest: GTIN-13/12 numbers as EAN-13, 8
 * digits as EAN-8, 14 as ITF-14; null when the values do not all agree.
 */
export function suggestedFormat(values: readonly string[]): BarcodeFormat | null {
  const cells = values.map((v) => v.trim()).filter(Boolean);
  if (cells.length === 0 || !cells.every((v) => /^\d+$/.test(v))) return null;
  const lengths = new Set(cells.map((v) => v.length));
  if ([...lengths].every((n) => n === 12 || n === 13)) return 'EAN13';
  if ([...lengths].every((n) => n === 7 || n === 8)) return 'EAN8';
  if ([...lengths].every((n) => n === 14)) return 'ITF14';
  return null;
}

const normalize = (s: string) =>
  s
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The first column (0-based) whose header matches one of the words, not already taken; -1 for none. */
export function guessColumn(headers: readonly string[] | null, hints: readonly string[], taken: Set<number>): number {
  if (!headers) return -1;
  const names = headers.map(normalize);
  for (const hint of hints) {
    const index = names.findIndex((name, i) => !taken.has(i) && name === hint);
    if (index >= 0) return index;
  }
  return -1;
}
