// Password hashes in OTRS's stored forms, made by the Perl code OTRS itself uses: perl's crypt() (DES),
// Crypt::PasswdMD5, Crypt::Eksblowfish::Bcrypt and Digest::SHA (installed by .ci/install-clients).
import { execFileSync } from 'node:child_process';

/** The hashes the Perl modules make for each password, in OTRS's stored forms (UTF-8 bytes, as EncodeOutput). */
export function perlHashes(passwords: string[], bcryptCost = 4): Array<Record<string, string>> {
  const script = `
    use strict; use utf8; use JSON::PP; use Encode; use Crypt::PasswdMD5; use Crypt::Eksblowfish::Bcrypt; use Digest::SHA;
    my $in = JSON::PP->new->utf8->decode(do { local $/; <STDIN> });
    my @salt = ('.', '/', 0..9, 'A'..'Z', 'a'..'z');
    my @out;
    for my $pw (@$in) {
      my $b = Encode::encode('UTF-8', $pw);
      my $des = join '', map { $salt[int rand 64] } 1..2;
      my $md5 = join '', map { $salt[int rand 64] } 1..8;
      my $bsalt = join '', map { $salt[2 + int rand 62] } 1..16;
      my $octets = Crypt::Eksblowfish::Bcrypt::bcrypt_hash({ key_nul => 1, cost => ${bcryptCost}, salt => $bsalt }, $b);
      push @out, {
        sha2 => Digest::SHA::sha256_hex($b), sha1 => Digest::SHA::sha1_hex($b), sha512 => Digest::SHA::sha512_hex($b),
        crypt => crypt($b, $des), md5 => unix_md5_crypt($b, $md5), apr1 => apache_md5_crypt($b, $md5),
        bcrypt => "BCRYPT:${bcryptCost}:$bsalt:" . Crypt::Eksblowfish::Bcrypt::en_base64($octets),
      };
    }
    print JSON::PP->new->utf8->encode(\\@out);`;
  return JSON.parse(execFileSync('perl', ['-e', script], { input: JSON.stringify(passwords) }).toString('utf8'));
}
