// The scenario the zeep and PHP SoapClient scripts (test/clients/python, test/clients/php) both play, with the same
// values: SessionCreate; UpdateWithSessionID (Ada Müller, Department, Skills SQL and Perl, TimeZone and Language);
// AccessTokenCreate; UpdateWithAccessToken (UserCity Köln, the single Skills value Perl); SessionCreateWrongPassword;
// UpdateInvalidValidID (ValidID 7). How each client sends and binds the calls stays in its own test file; the tests
// of what the server must answer and store are the same for both and are declared here, each called inside the
// client's describe for that step.
import { expect } from 'chai';
import type { RunningServer } from './server.js';
import { customerUserState, fieldTexts, fieldValues, preferenceValues, type CustomerUserState } from './state.js';

/** Each run of the script and cust1's stored state right after it. */
export interface ScenarioRuns<T> {
  first: T;           // only UpdateWithSessionID (after SessionCreate)
  afterFirst: CustomerUserState;
  out: T;             // the whole script, every call in order
  afterAll: CustomerUserState;
  failing: T;         // only the two failing calls, repeated
  afterFailing: CustomerUserState;
  /** cust1's stored state now. */
  stored: () => CustomerUserState;
}

/** Runs the script three times (`run` gets the steps; none: all of them). */
export async function runScenario<T>(server: RunningServer, run: (steps: string[]) => Promise<T>): Promise<ScenarioRuns<T>> {
  const stored = () => customerUserState(server, 'cust1');
  const first = await run(['UpdateWithSessionID']);
  const afterFirst = stored();
  const out = await run([]);
  const afterAll = stored();
  const failing = await run(['SessionCreateWrongPassword', 'UpdateInvalidValidID']);
  return { first, afterFirst, out, afterAll, failing, afterFailing: stored(), stored };
}

/** UpdateWithSessionID: the record both runs returned (`record` reads it from the client's report), and what it stored. */
export function itAnswersAndStoresTheSessionUpdate<T>(scenario: () => ScenarioRuns<T>, record: (run: T) => Record<string, any>): void {
  it('returns ID and the record: names, both dynamic fields (Skills with two values), preferences', function () {
    const { first, out } = scenario();
    for (const run of [first, out]) {
      const rec = record(run);
      expect(rec.UserFirstname).to.equal('Ada');
      expect(rec.UserLastname).to.equal('Müller');
      expect(rec.UserFullname).to.equal('Ada Müller');
      expect(rec.DynamicField_Department).to.equal('Research & Development <R&D>');
      expect(rec.DynamicField_Skills).to.deep.equal(['SQL', 'Perl']);
      expect(rec.UserTimeZone).to.equal('Europe/Berlin');
      expect(rec.UserLanguage).to.equal('de');
      expect(rec.ValidID).to.equal('1');
    }
  });

  it('stored the names as UTF-8, both Skills values, the Department text and the preferences', function () {
    const { afterFirst } = scenario();
    const row = afterFirst.row!;
    expect(row.first_name).to.equal('Ada');
    expect(row.last_name).to.equal('Müller');
    expect(row.last_name_hex).to.equal(Buffer.from('Müller', 'utf8').toString('hex').toUpperCase());
    expect(fieldTexts(afterFirst)).to.deep.equal([
      { name: 'Department', value_text: 'Research & Development <R&D>' },
      { name: 'Skills', value_text: 'SQL' },
      { name: 'Skills', value_text: 'Perl' },
    ]);
    expect(afterFirst.preferences).to.deep.include.members([
      { preferences_key: 'UserLanguage', preferences_value: 'de' },
      { preferences_key: 'UserTimeZone', preferences_value: 'Europe/Berlin' },
    ]);
  });
}

/** UpdateWithAccessToken's record: the single Value replaced the multiselect's two; the other fields stay. */
export function expectAccessTokenUpdateRecord(rec: Record<string, any>): void {
  expect(rec.DynamicField_Skills).to.equal('Perl');
  expect(rec.DynamicField_Department).to.equal('Research & Development <R&D>');
  expect(rec.UserCity).to.equal('Köln');
  expect(rec.UserLastname).to.equal('Müller');
  expect(rec.UserTimeZone).to.equal('Europe/Berlin');
}

/** UpdateWithAccessToken: what it stored. */
export function itStoresTheAccessTokenUpdate<T>(scenario: () => ScenarioRuns<T>): void {
  it('stored one Skills value and the city', function () {
    const { afterAll } = scenario();
    expect(afterAll.row!.city).to.equal('Köln');
    expect(afterAll.row!.first_name).to.equal('Ada');
    expect(afterAll.row!.last_name).to.equal('Müller');
    expect(fieldTexts(afterAll)).to.deep.equal([
      { name: 'Department', value_text: 'Research & Development <R&D>' },
      { name: 'Skills', value_text: 'Perl' },
    ]);
  });
}

/** UpdateInvalidValidID (and SessionCreateWrongPassword): nothing they did is stored. */
export function itChangesNothingOnFailure<T>(scenario: () => ScenarioRuns<T>): void {
  it('changed nothing: after the whole run the row holds the last successful update, and repeating the call alone changes nothing', function () {
    const { afterAll, afterFailing, stored } = scenario();
    expect(afterAll.row!.first_name).to.equal('Ada');
    expect(afterAll.row!.last_name).to.equal('Müller');
    expect(afterAll.row!.valid_id).to.equal(1);
    const now = stored();
    expect(preferenceValues(now, 'UserTimeZone')).to.deep.equal(['Europe/Berlin']);
    expect(fieldValues(now, 'Skills')).to.deep.equal(['Perl']);
    expect(afterFailing).to.deep.equal(afterAll);
  });
}
