#!/usr/bin/python3
"""A Python client for the OTRS/Znuny GenericInterface (GenericTicketConnectorSOAP), built with zeep from the WSDL
the server publishes at <endpoint>?wsdl. Written the way an integrator writes one: zeep.Client(wsdl_url), then
client.service.<Operation>(**fields) with plain dicts and lists. Nothing here knows about this particular server; it
is meant to be copied as a starting point.

Usage: python3 otrs_customer_user_update.py <WSDL URL> [Step ...]
  (Debian: apt-get install python3-zeep; run it with the system /usr/bin/python3.)
Without steps every call below runs, in order. With steps only those run (SessionCreate always runs, because the
other calls need its SessionID); the test suite uses that to repeat the failing update on its own.

Prints ONE JSON document on stdout: for every call, what zeep returned (as plain data), the HTTP status, the
SOAPAction zeep sent and the request envelope, so a reader can see exactly what went over the wire.
"""
import json
import sys

import zeep
import zeep.helpers
from lxml import etree
from zeep.exceptions import Fault, TransportError
from zeep.plugins import Plugin

if len(sys.argv) < 2:
    sys.exit(f"usage: {sys.argv[0]} <WSDL URL> [Step ...]")

WSDL_URL = sys.argv[1]
ONLY = set(sys.argv[2:])

USER_LOGIN = "demo-agent"
PASSWORD = "DemoAgent1!"
CUSTOMER = "cust1"


def wanted(step):
    return not ONLY or step in ONLY


class StatusRecordingTransport(zeep.Transport):
    """zeep.Transport that remembers the HTTP status of the last response.

    zeep raises Fault for an HTTP 500 with a SOAP Fault, but it parses any other status silently; OTRS answers
    business errors (wrong password, invalid value) with HTTP 200 and an <Error> block, and this records that.
    """

    last_status = None

    def post(self, address, message, headers):
        response = super().post(address, message, headers)
        self.last_status = response.status_code
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
    """The CustomerUser record of CustomerUserUpdateResponse as a plain dict.

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
    transport.last_status = last_request.soap_action = last_request.envelope = None
    try:
        response = getattr(service, operation)(**fields)
    except Fault as fault:
        result["Fault"] = {"faultcode": fault.code, "faultstring": fault.message}
        response = None
    except TransportError as error:
        result["TransportError"] = f"HTTP {error.status_code}: {error.message}"
        response = None
    result["HTTPStatus"] = transport.last_status
    result["SOAPAction"] = last_request.soap_action
    result["Request"] = last_request.envelope
    if response is not None:
        data = zeep.helpers.serialize_object(response, dict)
        if operation == "CustomerUserUpdate":
            data["CustomerUser"] = customer_user_as_dict(response["CustomerUser"])
        result["Data"] = data
    return result


output = {}

# (a) SessionCreate with the agent's credentials.
output["SessionCreate"] = call("SessionCreate", UserLogin=USER_LOGIN, Password=PASSWORD)
session_id = (output["SessionCreate"].get("Data") or {}).get("SessionID") or ""

# (b) CustomerUserUpdate with the SessionID: names (one of them non-ASCII), a text dynamic field, a multiselect with
#     two values (Value repeats) and two preferences.
if wanted("UpdateWithSessionID"):
    output["UpdateWithSessionID"] = call(
        "CustomerUserUpdate",
        SessionID=session_id,
        ID=CUSTOMER,
        UserFirstname="Ada",
        UserLastname="Müller",
        DynamicField=[
            {"Name": "Department", "Value": ["Research & Development <R&D>"]},
            {"Name": "Skills", "Value": ["SQL", "Perl"]},
        ],
        UserPreferences=[
            {"Key": "TimeZone", "Value": "Europe/Berlin"},
            {"Key": "Language", "Value": "de"},
        ],
    )

# (c) AccessTokenCreate, then CustomerUserUpdate with the AccessToken: a single Value for the multiselect field
#     replaces its two values.
if wanted("AccessTokenCreate") or wanted("UpdateWithAccessToken"):
    output["AccessTokenCreate"] = call("AccessTokenCreate", UserLogin=USER_LOGIN, Password=PASSWORD)
    access_token = (output["AccessTokenCreate"].get("Data") or {}).get("AccessToken") or ""

    if wanted("UpdateWithAccessToken"):
        output["UpdateWithAccessToken"] = call(
            "CustomerUserUpdate",
            AccessToken=access_token,
            ID=CUSTOMER,
            UserCity="Köln",
            DynamicField=[{"Name": "Skills", "Value": "Perl"}],
        )

# (d) SessionCreate with a wrong password: a business error (HTTP 200, Error block), not a Fault.
if wanted("SessionCreateWrongPassword"):
    output["SessionCreateWrongPassword"] = call("SessionCreate", UserLogin=USER_LOGIN, Password=PASSWORD + "x")

# (e) CustomerUserUpdate with ValidID 7: a business error, and nothing may be stored. zeep does not check the
#     WSDL's 1..3 restriction on ValidID, so the value reaches the server, which refuses it.
if wanted("UpdateInvalidValidID"):
    output["UpdateInvalidValidID"] = call(
        "CustomerUserUpdate",
        SessionID=session_id,
        ID=CUSTOMER,
        UserFirstname="Must Not Be Stored",
        UserLastname="Nicht Gespeichert",
        ValidID=7,
    )

output["ZeepVersion"] = zeep.__version__

sys.stdout.reconfigure(encoding="utf-8")   # JSON is UTF-8, whatever the locale says
json.dump(output, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
sys.stdout.write("\n")
