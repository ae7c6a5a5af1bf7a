#!/usr/bin/python3
"""An HR system's agent provisioning through the GenericInterface, with zeep built from the served WSDL:
SessionCreate, UserAdd (groups with permission keys, a role, a licence module), UserGet with Fields and
FieldProperties, a second UserAdd that exceeds the licence module, a UserUpdate of a field the caller may not
change (FIELD_RIGHTS), UserUpdate retiring the agent, UserSearch with
and without IncludeDeleted, UserUpdate restoring it; then the times of an agent imported from OTRS, read in
Europe/Berlin (TimeZone) and in the caller's own zone (its UserTimeZone preference), and an error message in German.

Usage: python3 otrs_agent_provisioning.py <WSDL URL>   (Debian: python3-zeep, run with /usr/bin/python3)
Prints one JSON document: for every step, what zeep returned as plain data.
"""
import json
import sys

import zeep
import zeep.helpers

client = zeep.Client(sys.argv[1])
service = client.service
out = {}


def plain(value):
    return json.loads(json.dumps(zeep.helpers.serialize_object(value, dict), default=str))


session = service.SessionCreate(UserLogin="demo-agent", Password="DemoAgent1!")["SessionID"]
out["UserAdd"] = plain(service.UserAdd(
    SessionID=session, Login="zeep-agent", UserFirstname="Zoe", UserLastname="Zeep", UserEmail="zoe@acme-demo.test",
    ValidID="1", UserPassword="Zoe-Pass-2026", UserTimeZone="Europe/Berlin",
    Group=[{"Name": "users", "Permission": ["ro", "note"]}], MainGroup="users", Role=["Support"], Licence=["reporting"]))
user_id = out["UserAdd"]["UserID"]
out["UserGet"] = plain(service.UserGet(SessionID=session, UserID=[user_id], Fields=["UserLogin", "Group", "MainGroup", "Licence"], FieldProperties="1"))
out["UserAddOverLicence"] = plain(service.UserAdd(
    SessionID=session, Login="zeep-agent-2", UserFirstname="Zed", UserLastname="Zeep", UserEmail="zed@acme-demo.test",
    ValidID="2", Licence=["reporting"]))
out["TitleRefused"] = plain(service.UserUpdate(SessionID=session, UserID=user_id, UserTitle="Dr."))
out["Retire"] = plain(service.UserUpdate(SessionID=session, UserID=user_id, Deleted="1", DeletedReason="contract ended", Fields=["ValidID", "Deleted", "DeletedReason", "Licence"]))
out["SearchWithout"] = plain(service.UserSearch(SessionID=session, Login="zeep-*", Valid="0"))
out["SearchWith"] = plain(service.UserSearch(SessionID=session, Login="zeep-*", Valid="0", IncludeDeleted="1"))
out["Restore"] = plain(service.UserUpdate(SessionID=session, UserID=user_id, Deleted="0", ValidID="1", Fields=["ValidID", "Deleted"]))
times = ["CreateTime", "ChangeTime", "UserLastLoginTimestamp"]
out["TimesStored"] = plain(service.UserGet(SessionID=session, Login=["night-shift"], Fields=times))
out["TimesBerlin"] = plain(service.UserGet(SessionID=session, Login=["night-shift"], Fields=times, TimeZone="Europe/Berlin"))
me = service.UserGet(SessionID=session, Login=["demo-agent"], Fields=["UserID"])["User"][0]["_value_1"][0]["UserID"]
service.UserUpdate(SessionID=session, UserID=me, UserTimeZone="America/New_York")
out["TimesOwnZone"] = plain(service.UserGet(SessionID=session, Login=["night-shift"], Fields=times))
out["ErrorGerman"] = plain(service.UserGet(SessionID=session, Login=["nobody"], Language="de"))
print(json.dumps(out))
