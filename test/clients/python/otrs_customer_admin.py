#!/usr/bin/python3
"""A Python client that administers customers through the OTRS/Znuny GenericInterface (GenericTicketConnectorSOAP):
a CRM's day, built with zeep from the WSDL the server publishes at <endpoint>?wsdl and written the way an integrator
writes one: zeep.Client(wsdl_url), then client.service.<Operation>(**fields) with plain dicts and lists.

It creates two companies (CustomerCompanyCreate, and the add-on spelling CustomerCompanyAdd), three customer users
(CustomerUserCreate with dynamic fields and preferences, a draft without password, and the add-on spelling
CustomerUserAdd), finds and reads them (CustomerUserSearch, CustomerUserGet, CustomerCompanySearch,
CustomerCompanyGet), runs into the errors an integration meets, deactivates and activates accounts against the
licence pool, and renames a company. (The add-on's nested CustomerUser{...} / CustomerCompany{...} request forms are
not in the WSDL, so a WSDL client sends the flat OTRS 8 form under both names.)

Usage: python3 otrs_customer_admin.py <WSDL URL> [Step ...]
  (Debian: apt-get install python3-zeep; run it with the system /usr/bin/python3.)
Without steps every step below runs, in order. With steps only those run. The agent logs in with SessionCreate,
unless OTRS_SESSION_ID names a session to reuse (the test suite does that, so a run of a single step logs in nobody
and changes nothing but what the step itself does).

Prints ONE JSON document on stdout: for every step, the operation, what zeep returned (as plain data), the HTTP
status, the SOAPAction and the request envelope zeep sent, and, when zeep could not read the answer, its error and
the response bytes.
"""
import json
import os
import sys

import zeep
import zeep.helpers
from lxml import etree
from zeep import xsd
from zeep.exceptions import Error as ZeepError, Fault, TransportError
from zeep.plugins import Plugin

if len(sys.argv) < 2:
    sys.exit(f"usage: {sys.argv[0]} <WSDL URL> [Step ...]")

WSDL_URL = sys.argv[1]
ONLY = set(sys.argv[2:])

USER_LOGIN = "demo-agent"
PASSWORD = "DemoAgent1!"


class StatusRecordingTransport(zeep.Transport):
    """zeep.Transport that remembers the last response: OTRS answers business errors with HTTP 200 and an <Error>
    block, which zeep parses silently; the status and the bytes show what really came back."""

    last_status = None
    last_body = None

    def post(self, address, message, headers):
        response = super().post(address, message, headers)
        self.last_status = response.status_code
        self.last_body = response.content
        return response


class LastRequest(Plugin):
    """zeep plugin that keeps the SOAPAction and the envelope of the request being sent."""

    soap_action = None
    envelope = None

    def egress(self, envelope, http_headers, operation, binding_options):
        self.soap_action = http_headers.get("SOAPAction")
        self.envelope = etree.tostring(envelope, encoding="unicode")
        return envelope, http_headers


def customer_user_as_dict(record):
    """A CustomerUser record as a plain dict.

    The record's children are only partly known in advance (DynamicField_<Name> and further preferences depend on the
    installation), so the WSDL declares it as a repeated choice of the fixed fields or any element. zeep returns
    that as record._value_1, a list holding {name: value} for each declared field and an lxml element for each
    dynamic one. A repeated element (a multiselect dynamic field with several values) becomes a list, as in OTRS.
    OTRS writes an empty value as an empty element (<UserCity />); zeep reads that as None, here it is "" again.
    """
    if record is None:
        return None
    result = {}
    for item in record["_value_1"] or []:
        if isinstance(item, etree._Element):
            pairs = [(etree.QName(item).localname, item.text if item.text is not None else "")]
        else:
            pairs = [(name, "" if value is None else value) for name, value in item.items()]
        for name, value in pairs:
            if name in result:
                if not isinstance(result[name], list):
                    result[name] = [result[name]]
                result[name].append(value)
            else:
                result[name] = value
    return result


last_request = LastRequest()
transport = StatusRecordingTransport(timeout=30, operation_timeout=30)
client = zeep.Client(WSDL_URL, transport=transport, plugins=[last_request])
service = client.service   # bound to the soap:address in the WSDL, which the server sets to its own endpoint


def call(operation, **fields):
    """Runs one operation and returns what the caller saw."""
    result = {"Operation": operation}
    transport.last_status = transport.last_body = last_request.soap_action = last_request.envelope = None
    response = None
    try:
        response = getattr(service, operation)(**fields)
    except Fault as fault:
        result["Fault"] = {"faultcode": fault.code, "faultstring": fault.message}
    except TransportError as error:
        result["TransportError"] = f"HTTP {error.status_code}: {error.message}"
    except ZeepError as error:
        # zeep could not build the request or bind the answer: report it with the bytes it got.
        result["ClientError"] = f"{type(error).__name__}: {error}"
        if transport.last_body is not None:
            result["Response"] = transport.last_body.decode("utf-8", "replace")
    result["HTTPStatus"] = transport.last_status
    result["SOAPAction"] = last_request.soap_action
    result["Request"] = last_request.envelope
    if not any(failure in result for failure in ("Fault", "TransportError", "ClientError")):
        data = zeep.helpers.serialize_object(response, dict)
        if isinstance(data, dict) and isinstance(data.get("CustomerUser"), list):
            # CustomerUserGet: a list of records.
            data["CustomerUser"] = [customer_user_as_dict(record) for record in response["CustomerUser"]]
        elif isinstance(data, dict) and "CustomerUser" in data:
            # CustomerUserCreate/Add/Update: one record.
            data["CustomerUser"] = customer_user_as_dict(response["CustomerUser"])
        result["Data"] = data
    return result


steps = []


def step(function):
    """Declares a step (run later, in declaration order, if wanted); its name is the function's."""
    steps.append(function)
    return function


session_id = os.environ.get("OTRS_SESSION_ID", "")


def session():
    return {"SessionID": session_id}


# --- companies ---------------------------------------------------------------------------------------------------

@step
def CompanyCreate():
    return call(
        "CustomerCompanyCreate", **session(),
        CustomerID="Globex",
        CustomerCompanyName="Globex Corporation",
        CustomerCompanyStreet="1 Hammock District",
        CustomerCompanyCity="Cypress Creek",
        CustomerCompanyCountry="USA",
        ValidID=1,
        DynamicField=[{"Name": "AccountManager", "Value": ["Hank Scorpio"]}],
    )


@step
def CompanyAdd():
    return call(
        "CustomerCompanyAdd", **session(),
        CustomerID="Initech",
        CustomerCompanyName="Initech LLC",
        CustomerCompanyCity="Zürich",
        CustomerCompanyComment="TPS reports & staplers",
        ValidID=1,
    )


# --- customer users ----------------------------------------------------------------------------------------------

@step
def UserCreate():
    """A valid customer user with a password, two dynamic fields (the multiselect with two values) and preferences."""
    return call(
        "CustomerUserCreate", **session(),
        CustomerUserLogin="globex.hank",
        UserFirstname="Hank",
        UserLastname="Scorpio",
        UserEmail="hank@globex.test",
        UserCustomerID="Globex",
        UserPassword="Globex-Pass-2026",
        ValidID=1,
        DynamicField=[
            {"Name": "Department", "Value": ["Research & Development"]},
            {"Name": "Skills", "Value": ["SQL", "Perl"]},
        ],
        UserPreferences=[
            {"Key": "TimeZone", "Value": "America/Chicago"},
            {"Key": "Language", "Value": "en"},
        ],
    )


@step
def UserCreateDraft():
    """A draft: invalid, without a password (it cannot log in, so it cannot be made valid yet)."""
    return call(
        "CustomerUserCreate", **session(),
        CustomerUserLogin="globex.mindy",
        UserFirstname="Mindy",
        UserLastname="Simmons",
        UserEmail="mindy@globex.test",
        UserCustomerID="Globex",
        ValidID=2,
    )


@step
def UserAdd():
    return call(
        "CustomerUserAdd", **session(),
        CustomerUserLogin="initech.peter",
        UserFirstname="Peter",
        UserLastname="Gibbons",
        UserEmail="peter@initech.test",
        UserCustomerID="Initech",
        UserPassword="Initech-Pass-2026",
        ValidID=2,
        DynamicField=[{"Name": "Skills", "Value": ["TypeScript"]}],
    )


# --- finding and reading -----------------------------------------------------------------------------------------

@step
def UserSearch():
    return call("CustomerUserSearch", **session(), CustomerUserLogin="globex.*", Valid="0", SortBy=["UserLogin"], OrderBy=["Up"])


@step
def UserSearchSorted():
    """Two sort keys, paired by position with two directions."""
    return call("CustomerUserSearch", **session(), UserEmail="*.test", Valid="0", SortBy=["UserCustomerID", "UserLogin"], OrderBy=["Up", "Down"])


@step
def UserSearchValid():
    """Valid customer users only (the default)."""
    return call("CustomerUserSearch", **session(), UserCustomerID="glob*")


@step
def UserSearchNone():
    """No match (initech.peter is not valid yet): the nil response element, which zeep binds as an empty list."""
    return call("CustomerUserSearch", **session(), CustomerUserLogin="initech.*")


@step
def UserGet():
    """Several logins: repeated, and comma-separated inside one value; an unknown one is skipped."""
    return call("CustomerUserGet", **session(), CustomerUserID=["globex.hank", "initech.peter,globex.mindy", "nobody"], DynamicFields="1")


@step
def CompanySearch():
    return call("CustomerCompanySearch", **session(), CustomerCompanyName="*c*", SortBy="CustomerCompanyName", OrderBy="Up")


@step
def CompanySearchDefaultOrder():
    """The default order: CustomerID descending."""
    return call("CustomerCompanySearch", **session(), CustomerCompanyName="*c*")


@step
def CompanyGet():
    return call("CustomerCompanyGet", **session(), CustomerID=["Globex,initech"], DynamicFields="1")


# --- errors an integration meets: each answered with HTTP 200 and an Error block, and nothing is stored -------------

@step
def ErrorMissingParameter():
    return call(
        "CustomerUserCreate", **session(),
        CustomerUserLogin="globex.lenny", UserFirstname="Lenny", UserLastname="Leonard", UserCustomerID="Globex", ValidID=2,
    )


@step
def ErrorLoginInUse():
    return call(
        "CustomerUserAdd", **session(),
        CustomerUserLogin="GLOBEX.HANK", UserFirstname="Hank", UserLastname="Again", UserEmail="hank.again@globex.test",
        UserCustomerID="Globex", ValidID=2,
    )


@step
def ErrorCustomerIDInUse():
    return call("CustomerCompanyCreate", **session(), CustomerID="globex", CustomerCompanyName="Globex Two", ValidID=1)


@step
def ErrorCompanyNameInUse():
    return call("CustomerCompanyUpdate", **session(), CustomerID="Initech", CustomerCompanyName="GLOBEX CORPORATION", CustomerCompanyCity="Austin")


@step
def ErrorInvalidValidID():
    """zeep does not enforce the WSDL's 1..3 restriction on ValidID, so 9 reaches the server, which refuses it."""
    return call(
        "CustomerUserCreate", **session(),
        CustomerUserLogin="globex.lenny", UserFirstname="Lenny", UserLastname="Leonard", UserEmail="lenny@globex.test",
        UserCustomerID="Globex", ValidID=9,
    )


@step
def ErrorCompanyInvalidValidID():
    return call("CustomerCompanyUpdate", **session(), CustomerID="Initech", CustomerCompanyCity="Austin", ValidID=4)


@step
def ErrorCannotActivate():
    return call("CustomerUserUpdate", **session(), ID="globex.mindy", UserFirstname="Mindy Ann", ValidID=1)


@step
def ErrorUserNotFound():
    return call("CustomerUserGet", **session(), CustomerUserID=["nobody,no.one"])


@step
def ErrorCompanyNotFound():
    return call("CustomerCompanyUpdate", **session(), CustomerID="Umbrella", CustomerCompanyCity="Raccoon City")


@step
def ErrorInvalidEmail():
    """A valid account must have an address that passes OTRS's check (@example.com is refused by default)."""
    return call(
        "CustomerUserCreate", **session(),
        CustomerUserLogin="globex.lenny", UserFirstname="Lenny", UserLastname="Leonard", UserEmail="lenny@example.com",
        UserCustomerID="Globex", UserPassword="Globex-Pass-2026", ValidID=1,
    )


@step
def ErrorEmailInUse():
    return call("CustomerUserUpdate", **session(), ID="globex.mindy", UserEmail="HANK@globex.test")


@step
def ErrorInvalidParameter():
    return call("CustomerUserSearch", **session(), UserLastname="S*", SortBy=["UserEmail"])


@step
def ErrorAuthFail():
    """A session that does not exist (an expired one looks the same)."""
    return call("CustomerCompanySearch", SessionID="NoSuchSession0000000000000000000", CustomerCompanyName="*")


# --- the licence pool --------------------------------------------------------------------------------------------

@step
def UserDeactivate():
    return call("CustomerUserUpdate", **session(), ID="globex.hank", ValidID=2)


@step
def UserActivate():
    return call("CustomerUserUpdate", **session(), ID="initech.peter", ValidID=1)


@step
def ErrorLicenceExceeded():
    return call("CustomerUserUpdate", **session(), ID="globex.hank", ValidID=1)


# --- renaming a company: its customer users move along -----------------------------------------------------------

@step
def CompanyRename():
    """CustomerCompanyID names the company, CustomerID is its new id; the city is cleared (xsi:nil)."""
    return call("CustomerCompanyUpdate", **session(), CustomerCompanyID="Globex", CustomerID="GLX", CustomerCompanyCity=xsd.Nil)


@step
def UserSearchMoved():
    return call("CustomerUserSearch", **session(), UserCustomerID="GLX", Valid="0")


@step
def UserGetMoved():
    return call("CustomerUserGet", **session(), CustomerUserID=["globex.hank"], DynamicFields="1")


# --- the day -----------------------------------------------------------------------------------------------------

output = {}

if not session_id:
    output["SessionCreate"] = call("SessionCreate", UserLogin=USER_LOGIN, Password=PASSWORD)
    session_id = (output["SessionCreate"].get("Data") or {}).get("SessionID") or ""

for function in steps:
    if not ONLY or function.__name__ in ONLY:
        output[function.__name__] = function()

output["ZeepVersion"] = zeep.__version__

sys.stdout.reconfigure(encoding="utf-8")   # JSON is UTF-8, whatever the locale says
json.dump(output, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
sys.stdout.write("\n")
