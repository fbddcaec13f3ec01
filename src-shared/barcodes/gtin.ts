/**
 * GTIN family check digits (EAN-13, EAN-8, UPC-A, UPC-E, ITF-14, SSCC, GLN):
 * the GS1 mod-10 algorithm, weights 3 and 1 alternating from the right.
 */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * UPC-E (number system + 6 digits) expanded to the 11 UPC-A digits it stands
 * for; the last of the six says where the zeros go.
 */
export function upceToUpca(numberSystem: string, six: string): string {
  const [d1, d2, d3, d4, d5, d6] = six.split('') as [string, string, string, string, string, string];
  switch (d6) {
    case '0':
    case '1':
    case '2':
      return `${numberSystem}${d1}${d2}${d6}0000${d3}${d4}${d5}`;
    case '3':
      return `${numberSystem}${d1}${d2}${d3}00000${d4}${d5}`;
    case '4':
      return `${numberSystem}${d1}${d2}${d3}${d4}00000${d5}`;
    default:
      return `${numberSystem}${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  }
}
