// The password hashes an OTRS/Znuny database may hold (Auth/DB.pm and CustomerAuth/DB.pm, Customer::AuthModule::DB
// ::CryptType), so accounts imported from one keep their passwords until their next login moves them to argon2id.
// Which algorithm applies is read off the stored value, as OTRS does:
//   `$apr1$salt$...`           Apache MD5 crypt          `$1$salt$...` (any other `$x$`)   MD5 crypt
//   64 / 128 / 40 hex digits    sha256 / sha512 / sha1     `BCRYPT:cost:salt16:hash`         bcrypt (Eksblowfish)
//   exactly 13 characters       traditional DES crypt(3)   anything, with CryptType plain    the password itself
// Passwords are hashed as their UTF-8 bytes (OTRS EncodeOutput). Every comparison is constant-time.
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** The stored value recomputed from `password`, or null when the value is in no format we can verify. */
export async function legacyHash(stored: string, password: string, plain: boolean): Promise<string | null> {
  // With CryptType plain, only the bcrypt values this server wrote for OTRS (otrsBcryptHash) are hashes.
  if (plain && !stored.startsWith('BCRYPT:')) return password;
  const pw = Buffer.from(password, 'utf8');
  if (stored.length !== 13) {
    const modular = /^\$([^$]+)\$([^$]+)\$/.exec(stored);
    if (modular) return md5Crypt(pw, modular[2], modular[1] === 'apr1' ? '$apr1$' : '$1$');
    if (/^[0-9a-f]{64}$/i.test(stored)) return hexDigest('sha256', pw, stored);
    if (/^[0-9a-f]{128}$/i.test(stored)) return hexDigest('sha512', pw, stored);
    if (stored.startsWith('BCRYPT:')) return otrsBcrypt(stored, password);
    if (/^[0-9a-f]{40}$/i.test(stored)) return hexDigest('sha1', pw, stored);
    return null;
  }
  // A 13-character `$x$...` value is modular crypt (no such format can match here); only DES has this length.
  if (/^\$\d\$/.test(stored)) return null;
  return desCrypt(pw, stored.slice(0, 2));
}

/** Whether `password` matches the legacy `stored` value. */
export async function verifyLegacy(stored: string, password: string, plain: boolean): Promise<boolean> {
  const computed = await legacyHash(stored, password, plain);
  if (computed === null) return false;
  const a = Buffer.from(computed, 'utf8');
  const b = Buffer.from(stored, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** OTRS writes lowercase hex; an uppercase import still means the same digest, so the case follows the stored value. */
function hexDigest(algorithm: string, pw: Buffer, stored: string): string {
  const hex = createHash(algorithm).update(pw).digest('hex');
  return stored === stored.toUpperCase() && /[A-F]/.test(stored) ? hex.toUpperCase() : hex;
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function to64(v: number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++, v >>>= 6) out += ITOA64[v & 0x3f];
  return out;
}

/** Poul-Henning Kamp's MD5 crypt (`$1$`) and its Apache variant (`$apr1$`), which differs only in the magic. */
export function md5Crypt(pw: Buffer, rawSalt: string, magic: '$1$' | '$apr1$'): string {
  const salt = Buffer.from(rawSalt.slice(0, 8), 'utf8');
  const md5 = () => createHash('md5');
  const alternate = md5().update(pw).update(salt).update(pw).digest();
  const ctx = md5().update(pw).update(magic).update(salt);
  for (let left = pw.length; left > 0; left -= 16) ctx.update(alternate.subarray(0, Math.min(16, left)));
  for (let i = pw.length; i > 0; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const round = md5();
    round.update(i & 1 ? pw : final);
    if (i % 3) round.update(salt);
    if (i % 7) round.update(pw);
    round.update(i & 1 ? final : pw);
    final = round.digest();
  }
  const f = final;
  return magic + salt.toString('utf8') + '$'
    + to64((f[0] << 16) | (f[6] << 8) | f[12], 4) + to64((f[1] << 16) | (f[7] << 8) | f[13], 4)
    + to64((f[2] << 16) | (f[8] << 8) | f[14], 4) + to64((f[3] << 16) | (f[9] << 8) | f[15], 4)
    + to64((f[4] << 16) | (f[10] << 8) | f[5], 4) + to64(f[11], 2);
}

/**
 * OTRS's own bcrypt form: `BCRYPT:<cost>:<16 salt characters>:<31 characters of bcrypt base64>`, made with
 * Crypt::Eksblowfish::Bcrypt::bcrypt_hash({ key_nul => 1, cost, salt }). That is exactly what a `$2a$` bcrypt
 * computes (key plus NUL, at most 72 bytes; the same base64 alphabet), so bcryptjs reproduces it from the salt.
 */
async function otrsBcrypt(stored: string, password: string): Promise<string | null> {
  const m = /^BCRYPT:(\d+):([\s\S]{16}):([\s\S]*)$/.exec(stored);
  if (!m) return null;
  const cost = Number(m[1]);
  const salt = Buffer.from(m[2], 'latin1');
  // A corrupt row must not pin a CPU: OTRS writes cost 12; 4..16 covers every sane setting.
  if (cost < 4 || cost > 16 || salt.length !== 16 || [...m[2]].some((c) => c.charCodeAt(0) > 0xff)) return null;
  const setting = `$2a$${String(cost).padStart(2, '0')}$${bcrypt.encodeBase64(salt, 16)}`;
  // The asynchronous form yields to the event loop between rounds: cost 12 is a quarter second of pure JS.
  return `BCRYPT:${m[1]}:${m[2]}:${(await bcrypt.hash(password, setting)).slice(setting.length)}`;
}

/** The cost OTRS writes its bcrypt hashes with, and so this server too. */
export const OTRS_BCRYPT_COST = 12;

const SALT_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new hash in OTRS's own bcrypt form, with a random 16-character salt as OTRS makes it: what an OTRS that
 * shares the database (CryptType bcrypt) reads, unlike argon2id.
 */
export async function otrsBcryptHash(password: string, cost = OTRS_BCRYPT_COST): Promise<string> {
  const salt = Array.from({ length: 16 }, () => SALT_CHARACTERS[randomInt(SALT_CHARACTERS.length)]).join('');
  return (await otrsBcrypt(`BCRYPT:${cost}:${salt}:`, password))!;
}

// Traditional DES crypt(3): no maintained npm package does it, and OpenSSL's DES cannot be used because the salt
// permutes the expansion table. This is the classic bit-by-bit formulation (FIPS 46 tables, 1-based).
const IP = [58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7];
const FP = [40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25];
const PC1_C = [57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36];
const PC1_D = [63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const PC2_C = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2];
const PC2_D = [41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32];
const E = [32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
  16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const S = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/** crypt(3) with a two-character salt: 25 DES encryptions of zero under the password's first 8 characters. */
export function desCrypt(pw: Buffer, salt: string): string | null {
  const saltValues = [...salt].map((c) => ITOA64.indexOf(c));
  if (saltValues.length !== 2 || saltValues.some((v) => v < 0)) return null;

  // Key: 7 bits of each of the first 8 bytes, the parity position left 0.
  const key = new Array<number>(64).fill(0);
  for (let i = 0; i < Math.min(8, pw.length); i++) for (let j = 0; j < 7; j++) key[i * 8 + j] = (pw[i] >> (6 - j)) & 1;
  const c = PC1_C.map((p) => key[p - 1]);
  const d = PC1_D.map((p) => key[p - 1]);
  const schedule: number[][] = [];
  for (const shift of SHIFTS) {
    for (let s = 0; s < shift; s++) { c.push(c.shift()!); d.push(d.shift()!); }
    schedule.push([...PC2_C.map((p) => c[p - 1]), ...PC2_D.map((p) => d[p - 28 - 1])]);
  }

  // The salt swaps expansion outputs i and i + 24 for each of its 12 bits that is set.
  const e = [...E];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 6; j++) {
      if ((saltValues[i] >> j) & 1) [e[6 * i + j], e[6 * i + j + 24]] = [e[6 * i + j + 24], e[6 * i + j]];
    }
  }

  let block = new Array<number>(64).fill(0);
  for (let round = 0; round < 25; round++) block = desEncrypt(block, schedule, e);
  let out = salt;
  for (let i = 0; i < 11; i++) {
    let v = 0;
    for (let j = 0; j < 6; j++) v = (v << 1) | (block[6 * i + j] ?? 0);
    out += ITOA64[v];
  }
  return out;
}

function desEncrypt(input: number[], schedule: number[][], e: number[]): number[] {
  const permuted = IP.map((p) => input[p - 1]);
  let l = permuted.slice(0, 32);
  let r = permuted.slice(32);
  for (const k of schedule) {
    const pre = e.map((p, j) => r[p - 1] ^ k[j]);
    const f = new Array<number>(32);
    for (let box = 0; box < 8; box++) {
      const t = box * 6;
      const v = S[box][(pre[t] << 5) | (pre[t + 5] << 4) | (pre[t + 1] << 3) | (pre[t + 2] << 2) | (pre[t + 3] << 1) | pre[t + 4]];
      for (let bit = 0; bit < 4; bit++) f[box * 4 + bit] = (v >> (3 - bit)) & 1;
    }
    const next = l.map((bit, j) => bit ^ f[P[j] - 1]);
    l = r;
    r = next;
  }
  const preOutput = [...r, ...l];
  return FP.map((p) => preOutput[p - 1]);
}
