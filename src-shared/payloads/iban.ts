/**
 * IBAN (ISO 13616) and RF creditor reference (ISO 11649) checks, both the
 * ISO 7064 mod 97-10 scheme. Inputs may carry spaces and lower case, as
 * people copy them from paper; `compactCode` gives the wire form.
 */

/**
 * IBAN lengths of the countries in the SEPA schemes' geographical scope
 * (EPC409-09), the only ones an EPC QR code can pay. Territories that use
 * another country's IBAN (French overseas departments, Åland, Jersey...) are
 * covered by it.
 */
export const SEPA_IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AL: 28,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  RS: 22,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  VA: 22,
};

/** Without spaces, upper case: the form IBANs and references take in a payment payload. */
export const compactCode = (s: string): string => s.replace(/ /g, '').toUpperCase();

/** The remainder modulo 97 of an alphanumeric string read as digits, letters as 10 (A) to 35 (Z). */
export function mod97(alnum: string): number {
  let rest = 0;
  for (const ch of alnum) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    rest = value >= 10 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97;
  }
  return rest;
}

export type IbanProblem = 'format' | 'country' | 'length' | 'checksum';

/** Why an IBAN is not one an EPC QR code can carry, or null when it is. */
export function ibanProblem(input: string): IbanProblem | null {
  const iban = compactCode(input);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) return 'format';
  const length = SEPA_IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined) return 'country';
  if (iban.length !== length) return 'length';
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1 ? null : 'checksum';
}

/** Whether a string is a valid RF creditor reference (ISO 11649): `RF`, two check digits, 1-21 letters or digits. */
export function isCreditorReference(input: string): boolean {
  const ref = compactCode(input);
  return /^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(ref) && mod97(ref.slice(4) + ref.slice(0, 4)) === 1;
}
