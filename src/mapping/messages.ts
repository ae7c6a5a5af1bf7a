// Error messages in the caller's language (issue 8.6). Operations write their messages in English, as OTRS does,
// and know nothing of languages; a finished message is matched against the catalogue's English templates and
// written again from the template of the asked language, its run-time parts carried over. A message with no entry
// stays English, as OTRS shows an untranslated string.
import { de } from './messages-de.js';

/** [English template, translation, slots that hold our own English and are translated too]. */
export type CatalogueEntry = [string, string, number[]?];

export const LANGUAGES = ['en', 'de'] as const;
export type Language = typeof LANGUAGES[number];

interface Template { pattern: RegExp; slots: number[]; target: string; translated: number[] }

interface Catalogue { exact: Map<string, string>; templates: Template[] }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile(entries: CatalogueEntry[]): Catalogue {
  const exact = new Map<string, string>();
  const templates: Template[] = [];
  for (const [english, target, translated = []] of entries) {
    const parts = english.split(/\{(\d)\}/);
    if (parts.length === 1) { exact.set(english, target); continue; }
    // split() puts the literal text at even places and the slot numbers at odd ones.
    const slots = parts.filter((_, i) => i % 2 === 1).map(Number);
    const source = parts.map((p, i) => (i % 2 === 0 ? escape(p) : '(.*?)')).join('');
    templates.push({ pattern: new RegExp(`^${source}$`, 's'), slots, target, translated });
  }
  return { exact, templates };
}

const catalogues: Record<Exclude<Language, 'en'>, Catalogue> = { de: compile(de) };

/** `text` (a message, or a part of one) in `language`; unchanged when the catalogue has no entry for it. */
export function translate(text: string, language: Language): string {
  if (language === 'en') return text;
  const catalogue = catalogues[language];
  const exact = catalogue.exact.get(text);
  if (exact !== undefined) return exact;
  for (const t of catalogue.templates) {
    const m = t.pattern.exec(text);
    if (!m) continue;
    const args: string[] = [];
    t.slots.forEach((slot, i) => { args[slot] = m[i + 1]; });
    // A translated slot may hold several reasons joined by "; " (AccountPolicy checkActivation).
    for (const slot of t.translated) args[slot] = args[slot].split('; ').map((part) => translate(part, language)).join('; ');
    return t.target.replace(/\{(\d)\}/g, (_, slot: string) => args[Number(slot)]);
  }
  return text;
}
