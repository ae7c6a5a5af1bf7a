// Agent provisioning (issue 8) by real clients: Python zeep built from the served WSDL
// (test/clients/python/otrs_agent_provisioning.py) and Perl SOAP::Lite (test/clients/perl/otrs-agent-provisioning.pl).
// Each adds an agent with groups, a role and a licence module, reads it back shaped by Fields and FieldProperties,
// retires and restores it; zeep also runs into the licence limit and searches with and without IncludeDeleted.
// Both then read an agent imported from OTRS whose times lie on both sides of a daylight-saving change in the
// caller's time zone, and ask for an error message in German.
import { expect } from 'chai';
import { join } from 'node:path';
import { startServer, projectRoot, type RunningServer } from './support/server.js';
import { runClientScript, WITHOUT_PROXY } from './support/client-run.js';

const list = (v: unknown) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

// Europe/Berlin went from CET (+1) to CEST (+2) at 2026-03-29 01:00 UTC, and back at 2026-10-25 01:00 UTC.
const STORED = { CreateTime: '2026-03-29 00:30:00', ChangeTime: '2026-03-29 01:30:00', UserLastLoginTimestamp: '2026-10-25 00:30:00' };
const BERLIN = { CreateTime: '2026-03-29 01:30:00', ChangeTime: '2026-03-29 03:30:00', UserLastLoginTimestamp: '2026-10-25 02:30:00' };
// New York had moved to EDT (-4) on 2026-03-08 and stays on it until November.
const NEW_YORK = { CreateTime: '2026-03-28 20:30:00', ChangeTime: '2026-03-28 21:30:00', UserLastLoginTimestamp: '2026-10-24 20:30:00' };
const TITLE_REFUSED = { ErrorCode: 'UserUpdate.AccessDenied', ErrorMessage: 'UserUpdate: You may not change UserTitle (FIELD_RIGHTS)!' };
const GERMAN_NOT_FOUND = { ErrorCode: 'UserGet.NotFound', ErrorMessage: 'UserGet: Für die angegebene UserID oder den Login wurde kein Agent gefunden!' };

/**
 * A fresh demo server (its role Support and its imported agent night-shift, with the STORED times) with the two
 * settings the scripts show: one licence of module reporting, and only agents with rw in stats may change a title
 * (the demo agent, in admin and users, may not).
 */
function demoServer(): Promise<RunningServer> {
  return startServer({ LICENCE_MODULES: 'reporting:1', FIELD_RIGHTS: 'User.UserTitle:stats' });
}

describe('Agent provisioning with real clients', function () {
  this.timeout(120_000);

  describe('Python zeep', () => {
    let server: RunningServer;
    let out: any;
    before(async () => {
      server = await demoServer();
      out = (await runClientScript<any>('zeep', '/usr/bin/python3', [join(projectRoot, 'test', 'clients', 'python', 'otrs_agent_provisioning.py'), `${server.endpoint}?wsdl`], { env: WITHOUT_PROXY })).out;
    });
    after(async () => { await server.stop(); });

    it('adds the agent with its groups, role and licence, and reads it back shaped by Fields and FieldProperties', () => {
      expect(out.UserAdd.Error).to.equal(null);
      expect(out.UserGet.User).to.have.length(1);
      const fields = out.UserGet.User[0]._value_1.map((entry: Record<string, unknown>) => Object.keys(entry)[0]);
      expect(fields).to.deep.equal(['Group', 'Licence', 'MainGroup', 'UserLogin']);
      expect(out.UserGet.User[0]._value_1.find((e: any) => e.MainGroup).MainGroup).to.equal('users');
      const props = Object.fromEntries(out.UserGet.FieldProperty.map((p: any) => [p.Name, p]));
      expect(props.UserLogin).to.deep.equal({ MaxLength: 200, Name: 'UserLogin', Read: 1, Write: 1 });
      expect(Object.keys(props)).to.deep.equal(['Group', 'Licence', 'MainGroup', 'UserLogin']);   // only the fields asked for
      expect(props.Licence).to.deep.equal({ MaxLength: null, Name: 'Licence', Read: 1, Write: 1 });
      const licence = out.UserGet.User[0]._value_1.find((e: any) => e.Licence).Licence;
      expect(licence).to.deep.equal({ Assigned: 1, CanAssign: 1, Free: 0, InUse: 1, Module: 'reporting', Total: 1 });
    });

    it('is refused a field the field rights keep from it', () => {
      expect(out.TitleRefused.Error).to.deep.equal(TITLE_REFUSED);
      expect(out.TitleRefused.User).to.equal(null);
    });

    it('gets LicenceExceeded for a module with no licence left', () => {
      expect(out.UserAddOverLicence.Error).to.deep.equal({ ErrorCode: 'UserAdd.LicenceExceeded', ErrorMessage: "UserAdd: Licence module 'reporting': 1 of 1 licences are in use!" });
    });

    it('retires the agent (search leaves it out unless asked) and restores it', () => {
      const retired = Object.assign({}, ...out.Retire.User._value_1);
      expect(retired).to.include({ ValidID: '2', Deleted: '1', DeletedReason: 'contract ended' });
      expect(retired.Licence).to.include({ Assigned: 0, InUse: 0, Free: 1 });
      expect(out.SearchWithout.UserID).to.deep.equal([]);
      expect(out.SearchWith.UserID).to.deep.equal([out.UserAdd.UserID]);
      expect(Object.assign({}, ...out.Restore.User._value_1)).to.deep.equal({ Deleted: '0', ValidID: '1' });
    });

    it("reads times in the zone it names, and in the caller's own zone, across the daylight-saving change", () => {
      const record = (answer: any) => Object.assign({}, ...answer.User[0]._value_1);
      expect(record(out.TimesStored)).to.deep.equal(STORED);
      expect(record(out.TimesBerlin)).to.deep.equal(BERLIN);
      expect(record(out.TimesOwnZone)).to.deep.equal(NEW_YORK);
    });

    it('gets the error message in German', () => {
      expect(out.ErrorGerman.Error).to.deep.equal(GERMAN_NOT_FOUND);
    });
  });

  describe('Perl SOAP::Lite', () => {
    let server: RunningServer;
    let out: any;
    before(async () => {
      server = await demoServer();
      out = (await runClientScript<any>('SOAP::Lite', 'perl', [join(projectRoot, 'test', 'clients', 'perl', 'otrs-agent-provisioning.pl'), server.endpoint], { env: WITHOUT_PROXY })).out;
    });
    after(async () => { await server.stop(); });

    it('adds the agent with groups, role and licence, and reads back only the fields asked for', () => {
      expect(out.UserAdd.UserID).to.match(/^\d+$/);
      expect(out.UserGet.User).to.deep.equal({
        UserLogin: 'perl-agent', Role: 'Support',
        Group: [{ Name: 'stats', Permission: 'ro' }, { Name: 'users', Permission: ['ro', 'rw'] }],
        Licence: { Assigned: '1', CanAssign: '1', Free: '0', InUse: '1', Module: 'reporting', Total: '1' },
      });
      const props = Object.fromEntries(list(out.UserGet.FieldProperty).map((p: any) => [p.Name, p]));
      expect(Object.keys(props)).to.deep.equal(['Group', 'Licence', 'Role', 'UserLogin']);
      expect(props.Group).to.deep.equal({ Name: 'Group', Read: '1', Write: '1' });
    });

    it('is refused a field the field rights keep from it', () => {
      expect(out.TitleRefused).to.deep.equal({ Error: TITLE_REFUSED });
    });

    it('retires and restores the agent, which can then log in', () => {
      expect(out.Retire.User).to.deep.equal({ ValidID: '2', Deleted: '1', DeletedReason: 'moved on' });
      expect(out.Restore.User).to.deep.equal({ ValidID: '1', Deleted: '0' });
      expect(out.Login.SessionID).to.match(/^[A-Za-z0-9]{32}$/);
    });

    it('reads times in the zone it names, across the daylight-saving change, and an error message in German', () => {
      expect(out.TimesStored.User).to.deep.equal(STORED);
      expect(out.TimesBerlin.User).to.deep.equal(BERLIN);
      expect(out.ErrorGerman.Error).to.deep.equal(GERMAN_NOT_FOUND);
    });
  });
});
