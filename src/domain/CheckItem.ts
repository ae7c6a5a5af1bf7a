// E-mail address check as OTRS's CheckItem::CheckEmail does it (contracts §6.9): a configured always-valid
// pattern passes at once; otherwise RFC 5322 addr-spec syntax (what Email::Valid checks), no "..", no ".@",
// and finally the configured invalid pattern (by default @example.com and the like are refused).
// The MX lookup OTRS also does is left out: this server may run without DNS (docs/deviations.md).

export interface EmailCheckConfig { checkEmailAddresses: boolean; checkEmailValidAddress: string; checkEmailInvalidAddress: string }

const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const dotAtom = `${atext}+(?:\\.${atext}+)*`;
const quoted = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const hostname = `${label}(?:\\.${label})*`;
const literal = '\\[[^\\[\\]\\\\\\s]*\\]';
const addrSpec = new RegExp(`^(?:${dotAtom}|${quoted})@(?:${hostname}|${literal})$`);

/** Returns null when the address is acceptable, else the OTRS-style reason ("Invalid syntax" or "config"). */
export function checkEmail(address: string, cfg: EmailCheckConfig): string | null {
  if (!cfg.checkEmailAddresses) return null;
  if (cfg.checkEmailValidAddress && new RegExp(cfg.checkEmailValidAddress, 'i').test(address)) return null;
  // Email::Valid ignores a trailing comment "(...)".
  const bare = address.replace(/\s*\([^()]*\)\s*$/, '');
  if (bare.length > 254 || !addrSpec.test(bare) || bare.includes('..') || bare.includes('.@')) return 'Invalid syntax';
  if (cfg.checkEmailInvalidAddress && new RegExp(cfg.checkEmailInvalidAddress, 'i').test(bare)) return 'config';
  return null;
}

/**
 * The optional MX check (OTRS CheckMXRecord): the domain must have a mail exchanger or an address record.
 * Answers within 3 seconds, as OTRS's resolver time-out, or reports a DNS problem.
 */
export async function checkMailExchanger(address: string): Promise<string | null> {
  const { Resolver } = await import('node:dns/promises');
  const resolver = new Resolver({ timeout: 3000, tries: 1 });
  const host = address.slice(address.lastIndexOf('@') + 1);
  try {
    if ((await resolver.resolveMx(host)).length > 0) return null;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ENODATA' && code !== 'ENOTFOUND') return `DNS problem: ${code ?? 'no answer'}`;
  }
  try {
    if ((await resolver.resolve4(host)).length > 0) return null;
  } catch { /* no A record either */ }
  return `${host} has no mail exchanger (MX) or A resource record defined.`;
}
