import type { PaymentContent } from '../schemas/content';
import { compactCode } from './iban';

/** The most bytes an EPC QR payload may have (EPC069-12). */
export const EPC_MAX_BYTES = 331;

/**
 * The EPC QR code of a SEPA credit transfer (EPC069-12, version 002, UTF-8),
 * lines joined with LF: service tag `BCD`, version `002`, character set `1`
 * (UTF-8), identification `SCT`, BIC (may be empty in 002), beneficiary name,
 * IBAN, `EUR<amount>` or empty, purpose (empty), structured reference,
 * unstructured text, and no beneficiary-to-originator information. Trailing
 * empty lines are left out. IBAN, BIC and reference are written without spaces
 * in upper case; the amount always with two decimals.
 */
export function encodeEpc(content: PaymentContent): string {
  const lines = [
    'BCD',
    '002',
    '1',
    'SCT',
    content.bic ? compactCode(content.bic) : '',
    content.name,
    compactCode(content.iban),
    content.amount === undefined ? '' : `${content.currency}${content.amount.toFixed(2)}`,
    '',
    content.reference ? compactCode(content.reference) : '',
    content.text ?? '',
  ];
  while (lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}
