/** Text that breaks naive encoders: accents, CJK, emoji sequences, right-to-left, combining marks, astral planes. */
export const UTF8_CORPUS = [
  'Crème brûlée',
  '東京タワー',
  '🍕👩‍👩‍👧',
  'مرحبا بالعالم',
  'שלום עולם',
  'e\u0301te\u0301 cafe\u0301',
  '👨🏽‍💻 🏳️‍🌈 🇫🇷',
  'Ελληνικά — Русский — हिन्दी',
  'ZWJ\u200dinside\u200cand\u200fRLM',
  '𝄞 𠜎 😀',
  'Ǆemal Øresund ÿ',
  '한국어 ภาษาไทย',
] as const;
