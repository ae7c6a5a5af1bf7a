// The OTRS password formats (LegacyPassword.ts), checked against hashes made by the Perl code OTRS itself uses:
// perl's crypt() (DES), Crypt::PasswdMD5 (unix_md5_crypt, apache_md5_crypt) and Crypt::Eksblowfish::Bcrypt
// (installed by .ci/install-clients), for random passwords and salts, ASCII and not.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { verifyLegacy } from '../../src/domain/LegacyPassword.js';
import { perlHashes } from '../support/legacy-hashes.js';

const randomPassword = (i: number) => {
  const alphabets = ['abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$%&/()=?', 'äöüßÄÖÜ€éçñ漢字🙂 '];
  const alphabet = [...alphabets[0], ...(i % 2 ? alphabets[1] : '')];
  const length = 1 + (randomBytes(1)[0] % 20);
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
};

describe('Legacy OTRS password hashes', () => {
  describe('against the Perl modules OTRS uses', () => {
    const passwords = Array.from({ length: 24 }, (_, i) => randomPassword(i));
    let hashes: Array<Record<string, string>>;
    before(() => { hashes = perlHashes(passwords); });

    for (const format of ['sha2', 'sha1', 'sha512', 'crypt', 'md5', 'apr1', 'bcrypt']) {
      it(`accepts the right password and refuses a wrong one (${format})`, async () => {
        for (const [i, pw] of passwords.entries()) {
          const stored = hashes[i][format];
          expect(await verifyLegacy(stored, pw, false), `${format} ${JSON.stringify(pw)} ${stored}`).to.equal(true);
          // DES reads only the first 8 bytes: change the first character, not the end.
          const wrong = (pw[0] === 'x' ? 'y' : 'x') + pw.slice(1);
          expect(await verifyLegacy(stored, wrong, false), `${format} wrong ${JSON.stringify(wrong)}`).to.equal(false);
        }
      });
    }
  });

  describe('fixed examples (made with the Perl modules above; they document the stored forms)', () => {
    const examples: Array<[string, string]> = [
      ['crypt', 'abNANd1rDfiNc'],
      ['md5', '$1$saltsalt$9xy1btjgzLYfb7hivXtC//'],
      ['apr1', '$apr1$AbCd1234$n/8IcHraSGYMDLSp86.W80'],
      ['bcrypt', 'BCRYPT:5:0123456789abcdef:Gy8zDyKFegpVV4y0qPBUgij10WNyKY6'],
      ['sha256', createHash('sha256').update('secret').digest('hex')],
      ['sha512', createHash('sha512').update('secret').digest('hex')],
      ['sha1', createHash('sha1').update('secret').digest('hex')],
      ['sha256 in upper case', createHash('sha256').update('secret').digest('hex').toUpperCase()],
    ];
    for (const [format, stored] of examples) {
      it(`verifies "secret" in the ${format} form`, async () => {
        expect(await verifyLegacy(stored, 'secret', false)).to.equal(true);
        expect(await verifyLegacy(stored, 'Secret', false)).to.equal(false);
      });
    }

    it('compares the stored value as the password itself only with CryptType plain', async () => {
      expect(await verifyLegacy('secret', 'secret', true)).to.equal(true);
      expect(await verifyLegacy('secret', 'secre', true)).to.equal(false);
      expect(await verifyLegacy('secret', 'secret', false)).to.equal(false);
      // With plain, even a value that looks like a digest is the password.
      const digest = createHash('sha1').update('x').digest('hex');
      expect(await verifyLegacy(digest, 'x', true)).to.equal(false);
      expect(await verifyLegacy(digest, digest, true)).to.equal(true);
    });
  });

  describe('malformed stored values', () => {
    const malformed = ['BCRYPT:99:0123456789abcdef:x', 'BCRYPT:12:short:x', 'BCRYPT:3:0123456789abcdef:x', 'BCRYPT:', '$1$', '$1$$', '$apr1$x',
      'a~NANd1rDfiNc', '$1$abcdefghij', 'not a hash', '', 'BCRYPT:5:0123456789abcdé€:Gy8zDyKFegpVV4y0qPBUgij10WNyKY6'];
    for (const stored of malformed) {
      it(`refuses ${JSON.stringify(stored)} without throwing`, async () => {
        expect(await verifyLegacy(stored, 'secret', false)).to.equal(false);
        expect(await verifyLegacy(stored, '', false)).to.equal(false);
      });
    }
  });
});
