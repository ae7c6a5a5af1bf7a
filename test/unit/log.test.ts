// Masking in log lines: secrets by their key at any depth, in Key/Value pairs, named in free text, and values
// that look like a password hash or a token whatever their key (every format an OTRS database holds).
import { expect } from 'chai';
import { mask, redact } from '../../src/log.js';

const HASHES = [
  '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
  '$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW',
  'BCRYPT:12:abcdefghijklmnop:R9h/cIPz0gi.URNNX3kh2OPST9/PgBkq',
  '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/',
  '$apr1$saltsalt$0jqtrsAb3.0nEbMOoGfhV0',
  '$6$rounds=5000$saltsalt$abcdefghijklmnopqrstuvwxyz0123456789',
  '5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8',
  '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl',
];

describe('Log masking', () => {
  it('masks a hash or token whatever key or text carries it', () => {
    for (const h of HASHES) {
      expect(JSON.stringify(redact({ note: h, list: [{ anything: `before ${h} after` }] }))).not.to.contain(h);
      expect(mask(`ProviderRequestProcess: value ${h}`)).to.equal('ProviderRequestProcess: value ***');
    }
  });

  it('masks every key that carries a secret, at any depth, and Key/Value pairs naming one', () => {
    const out = redact({
      data: { UserPassword: 'a', PasswordHistoryData: ['h1', 'h2'], UserPw: 'x', pw: 'y', SessionID: 's', AccessToken: 't', UserChallengeToken: 'c' },
      SessionData: [{ Key: 'UserPw', Value: 'zz' }, { Key: 'UserLogin', Value: 'demo-agent' }],
    }) as any;
    expect(out.data).to.deep.equal({ UserPassword: '***', PasswordHistoryData: '***', UserPw: '***', pw: '***', SessionID: '***', AccessToken: '***', UserChallengeToken: '***' });
    expect(out.SessionData).to.deep.equal([{ Key: 'UserPw', Value: '***' }, { Key: 'UserLogin', Value: 'demo-agent' }]);
  });

  it('masks secrets named in free text and leaves ordinary text alone', () => {
    expect(mask('<Password>DemoAgent1!</Password> <SessionID>abc</SessionID>')).to.equal('<Password>***</Password> <SessionID>***</SessionID>');
    expect(mask('GET /health 200 from 127.0.0.1')).to.equal('GET /health 200 from 127.0.0.1');
    expect(mask('CustomerUserUpdate: cust1')).to.equal('CustomerUserUpdate: cust1');
  });
});
