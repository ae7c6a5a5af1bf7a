// What one unit of work announces of its cache changes (storage/cache.ts): PostgreSQL carries the announcement in
// one NOTIFY, whose payload must stay under 8000 bytes, however many changes the unit made.
import { expect } from 'chai';
import { ReadCaches, UnitCaches } from '../../src/storage/cache.js';

describe('Cache changes of one unit of work', () => {
  it('announces "everything" once, however often a unit changed a cached table', () => {
    const unit = new UnitCaches(new ReadCaches(5000));
    for (let i = 0; i < 1000; i++) unit.invalidate();
    unit.forgetSession('s1');
    expect(unit.ended()).to.deep.equal([{ all: true }]);
  });

  it('announces single changes as they are, and a long list of them as "everything"', () => {
    const unit = new UnitCaches(new ReadCaches(5000));
    unit.forgetSession('s1');
    unit.forgetTimeZone('Customer', 'cust1');
    expect(unit.ended()).to.deep.equal([{ session: 's1' }, { timeZone: 'Customer\u0000cust1' }]);
    for (let i = 0; i < 1000; i++) unit.forgetSession(`session ${i}`);
    const announced = unit.ended();
    expect(announced).to.deep.equal([{ all: true }]);
    expect(JSON.stringify(announced).length).to.be.below(8000);
  });

  it('forgets the shared entries at once, whatever it announces', async () => {
    const shared = new ReadCaches(5000);
    await shared.sessions.get('s1', async () => ({ UserID: '2' }));
    const unit = new UnitCaches(shared);
    unit.invalidate();
    unit.forgetSession('s2');
    expect(shared.sessions.peek('s1')).to.equal(undefined);
  });
});
