/**
 * The UI's top-level paths. The renderer routes on them and the API listener
 * answers them with the UI's index.html, so a reload or a bookmark of any page
 * works, while every other unknown path stays a 404.
 */
export const UI_SECTIONS = [
  'library',
  'create',
  'codes',
  'barcodes',
  'batch',
  'analytics',
  'settings',
  'developers',
] as const;
export type UiSection = (typeof UI_SECTIONS)[number];
