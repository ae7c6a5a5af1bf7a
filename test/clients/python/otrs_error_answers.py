#!/usr/bin/python3
"""How a zeep integration tells the answers of the OTRS/Znuny GenericInterface apart, built from the WSDL the server
publishes at <endpoint>?wsdl:
  - a business error (wrong credentials, a missing or invalid parameter) is an ordinary answer, HTTP 200, whose
    Error element holds ErrorCode and ErrorMessage: zeep binds it like any other field;
  - a Fault (HTTP 500: the request never reached an operation) raises zeep.exceptions.Fault. zeep recognises only
    a standard soap:Fault, which the server writes when the web service has StandardFaults; OTRS's own Fault shape
    reaches zeep as "Unknown fault occured".

Usage: python3 otrs_error_answers.py <WSDL URL> <calls.json>
  calls.json: a list of {"Name": ..., "Operation": ..., "Fields": {...}}; each call runs on its own.
Prints ONE JSON document on stdout: for every call by Name, the HTTP status and either the Error element, the
Fault (code and text) or the exception zeep raised.
"""
import json
import sys

import zeep
import zeep.helpers
from zeep.exceptions import Error as ZeepError, Fault, TransportError

if len(sys.argv) != 3:
    sys.exit(f"usage: {sys.argv[0]} <WSDL URL> <calls.json>")


class StatusRecordingTransport(zeep.Transport):
    """zeep.Transport that remembers the HTTP status of the last response."""

    last_status = None

    def post(self, address, message, headers):
        response = super().post(address, message, headers)
        self.last_status = response.status_code
        return response


transport = StatusRecordingTransport(timeout=30, operation_timeout=30)
client = zeep.Client(sys.argv[1], transport=transport)
with open(sys.argv[2], encoding="utf-8") as f:
    calls = json.load(f)

output = {}
for spec in calls:
    result = {"Operation": spec["Operation"]}
    transport.last_status = None
    try:
        response = getattr(client.service, spec["Operation"])(**spec["Fields"])
        result["Error"] = zeep.helpers.serialize_object(response, dict)["Error"]
    except Fault as fault:
        result["Fault"] = {"faultcode": fault.code, "faultstring": fault.message}
    except TransportError as error:
        result["Exception"] = f"TransportError: HTTP {error.status_code}: {error.message}"
    except (ZeepError, ValueError, TypeError, KeyError) as error:
        result["Exception"] = f"{type(error).__name__}: {error}"
    result["HTTPStatus"] = transport.last_status
    output[spec["Name"]] = result

print(json.dumps(output, ensure_ascii=False, indent=1))
