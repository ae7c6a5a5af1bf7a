// The answer-size count (operations/get-many.ts) against the bytes the SOAP writer really produces: close
// enough that RESPONSE_MAX_BYTES means bytes on the wire, for ASCII and non-ASCII text, lists and nested maps.
import { expect } from 'chai';
import { answerBytes, AnswerBudget } from '../../src/operations/get-many.js';
import { writeResponse } from '../../src/transport/soap/xml-writer.js';

const record = (i: number) => ({
  UserLogin: `user${i}`, UserFirstname: 'Zoë', UserLastname: 'Müller-Łukasiewicz 漢字', ValidID: 1, ChangeBy: 12345,
  UserComment: '', UserTitle: null, DynamicField_Empty1: '', DynamicField_Empty2: '', DynamicField_Skills: ['SQL', 'Perl'], DynamicField_Notes: 'x'.repeat(500),
  DynamicField: [{ Name: 'Regions', Value: ['EU', 'US'] }, { Name: 'Empty', Value: '' }],
});

describe('Answer size', () => {
  it('counts within a few per cent of the written envelope body', () => {
    const records = Array.from({ length: 200 }, (_, i) => record(i));
    const written = Buffer.byteLength(writeResponse('CustomerUserGetResponse', { CustomerUser: records }, { soapVersion: '1.1', namespace: null }));
    const counted = records.reduce((n, r) => n + answerBytes('CustomerUser', r), 0);
    // The envelope adds a fixed few hundred bytes; numbers are counted generously.
    expect(counted).to.be.within(written * 0.95, written * 1.05);
  });

  it('stops a budget once the records pass the limit', () => {
    const size = answerBytes('CustomerUser', record(1));
    const budget = new AnswerBudget(size * 3);
    expect([1, 2, 3, 4].map((i) => budget.add('CustomerUser', record(i)))).to.deep.equal([true, true, true, false]);
  });
});
