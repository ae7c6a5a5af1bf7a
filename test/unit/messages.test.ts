// The German catalogue (mapping/messages-de.ts) covers every error message the server writes. The messages are
// read from the source itself, so a new message without a translation fails here: every template passed to
// returnError or DomainError, and every piece of our own English that lands in a translated slot (what an agent
// may not do, why an account cannot be made valid, the licence pools, the e-mail check's reasons).
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { translate } from '../../src/mapping/messages.js';
import { de } from '../../src/mapping/messages-de.js';
import { projectRoot } from '../support/server.js';

function sourceFiles(dir: string): ts.SourceFile[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true)] : [];
  });
}

/** A string or template literal with its substitutions numbered ({0}, {1}…), as the catalogue writes them. */
function template(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span, i) => `{${i}}${span.literal.text}`).join('');
  return undefined;
}

const literalsIn = (node: ts.Node): string[] => {
  const found: string[] = [];
  const visit = (n: ts.Node) => { const t = template(n); if (t !== undefined) found.push(t); else ts.forEachChild(n, visit); };
  visit(node);
  return found;
};

interface Found { messages: Set<string>; parts: Set<string> }

function messagesInSource(): Found {
  const found: Found = { messages: new Set(), parts: new Set() };
  for (const file of sourceFiles(join(projectRoot, 'src'))) {
    const visit = (n: ts.Node): void => {
      const callee = ts.isCallExpression(n) || ts.isNewExpression(n) ? n.expression.getText() : undefined;
      const args = (n as ts.CallExpression).arguments ?? [];
      if (callee === 'returnError' && args.length === 3) literalsIn(args[2]).forEach((t) => found.messages.add(t));
      if (callee === 'DomainError' && args.length === 2) literalsIn(args[1]).forEach((t) => found.messages.add(t));
      if (callee === 'authorizeAgent') literalsIn(args[args.length - 1]).forEach((t) => found.parts.add(t));
      if (callee === 'checkActivation' || callee === 'checkLicence' || callee === 'missing.push') {
        args.flatMap((a) => literalsIn(a)).forEach((t) => found.parts.add(t));
      }
      if (ts.isVariableDeclaration(n) && n.name.getText() === 'blockers' && n.initializer) literalsIn(n.initializer).forEach((t) => found.parts.add(t));
      if (ts.isReturnStatement(n) && n.expression && /CheckItem\.ts$/.test(file.fileName)) literalsIn(n.expression).forEach((t) => found.parts.add(t));
      ts.forEachChild(n, visit);
    };
    visit(file);
  }
  return found;
}

/** The template with sample data in its slots: data that must come through the translation unchanged. */
const sample = (t: string) => t.replace(/\{(\d)\}/g, (_, i: string) => `«v${i}»`);

describe('Error messages in German (Language de)', () => {
  const found = messagesInSource();

  it('finds the messages in the source', () => {
    expect(found.messages.size).to.be.above(80);
    expect(found.parts).to.include.members(['read agents', 'customer user', 'no password is set', 'Invalid syntax']);
  });

  it('translates every message template the operations and the domain write, keeping its data', () => {
    const untranslated: string[] = [];
    for (const t of found.messages) {
      const english = sample(t);
      const german = translate(english, 'de');
      const data = english.match(/«v\d»/g) ?? [];
      if (german === english || !data.every((d) => german.includes(d))) untranslated.push(t);
    }
    expect(untranslated).to.deep.equal([]);
  });

  it('translates every piece of our own English that a message carries in a translated slot', () => {
    const missing = [...found.parts].filter((part) => translate(sample(part), 'de') === sample(part));
    expect(missing).to.deep.equal([]);
  });

  it('translates the slots that hold our English, and copies the ones that hold data', () => {
    expect(translate('User does not have access to read agents!', 'de')).to.equal('Der Benutzer hat keine Berechtigung, Agenten zu lesen!');
    expect(translate("The customer user cannot be made valid: no password is set; company 'config' does not exist!", 'de'))
      .to.equal("Das Konto (Kundenbenutzer) kann nicht auf gültig gesetzt werden: es ist kein Passwort gesetzt; die Kundenfirma 'config' existiert nicht!");
    // A login that happens to read like a catalogue entry is data, and stays as it is.
    expect(translate("A customer user with the login 'config' already exists!", 'de')).to.equal("Ein Kundenbenutzer mit dem Login 'config' existiert bereits!");
    expect(translate('6 of 6 customer user licences are in use: make another customer user invalid first!', 'de'))
      .to.equal('6 von 6 Lizenzen (Kundenbenutzer) sind vergeben: setzen Sie zuerst ein anderes Konto (Kundenbenutzer) auf ungültig!');
  });

  it('leaves English as it is, and a message with no entry in English', () => {
    expect(translate('The request is empty!', 'en')).to.equal('The request is empty!');
    expect(translate('Something nobody wrote!', 'de')).to.equal('Something nobody wrote!');
  });

  it('has one entry per English text, each translation using exactly its template\'s slots', () => {
    const english = de.map(([en]) => en);
    expect(english.filter((t, i) => english.indexOf(t) !== i)).to.deep.equal([]);
    for (const [en, target] of de) {
      const slots = (s: string) => [...s.matchAll(/\{(\d)\}/g)].map((m) => m[1]).sort();
      expect(slots(target), en).to.deep.equal(slots(en));
    }
  });
});
