/**
 * The small pages a phone sees on the public listener: self-contained (no
 * external assets, inline CSS only), mobile-first, in English or French by
 * Accept-Language.
 */
export type PageLanguage = 'en' | 'fr';

const EN = {
  notFoundTitle: 'Code not found',
  notFound: 'This QR code does not exist or has been deleted.',
  pausedTitle: 'Temporarily unavailable',
  paused: 'This QR code is paused by its owner. Please try again later.',
  goneTitle: 'Code no longer active',
  gone: 'This QR code has expired or reached its scan limit.',
  passwordTitle: 'Password required',
  password: 'This QR code is protected. Enter its password to continue.',
  passwordLabel: 'Password',
  passwordWrong: 'Wrong password. Please try again.',
  tooManyTitle: 'Too many attempts',
  tooMany: 'Too many wrong passwords. Please wait a few minutes and try again.',
  continue: 'Continue',
  addContact: 'Add to contacts',
  addEvent: 'Add to calendar',
  errorTitle: 'Something went wrong',
  error: 'The scan could not be recorded. Please try again.',
};
export type PageText = { readonly [K in keyof typeof EN]: string };

const TEXT: Record<PageLanguage, PageText> = {
  en: EN,
  fr: {
    notFoundTitle: 'Code introuvable',
    notFound: 'Ce QR code n\u2019existe pas ou a été supprimé.',
    pausedTitle: 'Momentanément indisponible',
    paused: 'Ce QR code est suspendu par son propriétaire. Réessayez plus tard.',
    goneTitle: 'Code inactif',
    gone: 'Ce QR code a expiré ou atteint sa limite de scans.',
    passwordTitle: 'Mot de passe requis',
    password: 'Ce QR code est protégé. Saisissez son mot de passe pour continuer.',
    passwordLabel: 'Mot de passe',
    passwordWrong: 'Mot de passe incorrect. Réessayez.',
    tooManyTitle: 'Trop de tentatives',
    tooMany: 'Trop de mots de passe incorrects. Patientez quelques minutes puis réessayez.',
    continue: 'Continuer',
    addContact: 'Ajouter aux contacts',
    addEvent: 'Ajouter au calendrier',
    errorTitle: 'Une erreur est survenue',
    error: 'Le scan n\u2019a pas pu être enregistré. Réessayez.',
  },
};

/** French when the visitor prefers it to English, English otherwise. */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { lang: tag.split('-')[0], q: Number.isFinite(q) ? q : 0 };
    })
    .filter((x) => x.lang === 'fr' || x.lang === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.lang === 'fr' ? 'fr' : 'en';
}

export const texts = (lang: PageLanguage): PageText => TEXT[lang];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

// Inline styles only, so the page needs nothing from anywhere (the CSP allows nothing else).
const STYLE = `body{margin:0;font-family:system-ui,-apple-system,sans-serif;background:#f6f6f4;color:#1a1a1a}
main{max-width:28rem;margin:0 auto;padding:2.5rem 1.25rem}h1{font-size:1.4rem;margin:0 0 .75rem}
p{line-height:1.5}.text{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;padding:1rem;border-radius:.5rem}
input,button,a.button{font:inherit;font-size:1.05rem;padding:.75rem;border-radius:.5rem;box-sizing:border-box;width:100%}
input{border:1px solid #999;margin:.25rem 0 1rem}button,a.button{display:block;text-align:center;border:0;background:#1a1a1a;color:#fff;text-decoration:none}
.error{color:#a00}@media (prefers-color-scheme:dark){body{background:#141414;color:#eee}.text{background:#222}input{background:#222;color:#eee}button,a.button{background:#eee;color:#111}}`;

export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** A whole page; `body` is already-escaped HTML. */
export function page(lang: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>
`;
}

export const messagePage = (lang: PageLanguage, title: string, message: string): string =>
  page(lang, title, `<p>${escapeHtml(message)}</p>`);

export function passwordPage(lang: PageLanguage, action: string, error?: string): string {
  const t = texts(lang);
  return page(
    lang,
    t.passwordTitle,
    `<p>${escapeHtml(t.password)}</p>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}"><label for="pw">${escapeHtml(t.passwordLabel)}</label>
<input id="pw" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">${escapeHtml(t.continue)}</button></form>`,
  );
}
