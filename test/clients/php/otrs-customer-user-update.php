<?php
/**
 * A PHP client for the OTRS/Znuny GenericInterface (GenericTicketConnectorSOAP) with PHP's own SoapClient
 * (Debian: apt-get install php-cli php-soap php-xml), in the two ways OTRS integrations are written:
 *
 *   wsdl      SoapClient built from the WSDL the server publishes at <endpoint>?wsdl; operations are called as
 *             methods with one array of fields: $client->CustomerUserUpdate(['SessionID' => ..., ...]).
 *   non-wsdl  SoapClient without a WSDL (the common style in OTRS integrations, e.g. tubssz/otrs-web-service-client):
 *             'location' + 'uri' + SOAP_RPC/SOAP_ENCODED, one SoapParam per field, a repeated field as repeated
 *             SoapParams. PHP then types every value (xsi:type="xsd:string"), writes associative arrays as Apache
 *             Maps and lists as SOAP-ENC arrays; OTRS (SOAP::Lite) decodes all of that, and so must its replacement.
 *
 * Usage: php otrs-customer-user-update.php wsdl     <WSDL URL>     [Step ...]
 *        php otrs-customer-user-update.php non-wsdl <endpoint URL> [Step ...]
 * Without steps every call below runs, in order. With steps only those run (SessionCreate always runs, because the
 * other calls need its SessionID); the test suite uses that to repeat the failing update on its own.
 *
 * Prints ONE JSON document on stdout: for every call, what SoapClient returned, the customer-user record as an
 * integrator reads it, the HTTP status, the SOAPAction and the request envelope PHP sent.
 */

declare(strict_types=1);

const NAMESPACE_URI = 'http://www.otrs.org/TicketConnector/';
const USER_LOGIN = 'demo-agent';
const PASSWORD = 'DemoAgent1!';
const CUSTOMER = 'cust1';

$Mode = $argv[1] ?? '';
$URL = $argv[2] ?? '';
if (!in_array($Mode, ['wsdl', 'non-wsdl'], true) || $URL === '') {
    fwrite(STDERR, "usage: php {$argv[0]} wsdl <WSDL URL> | non-wsdl <endpoint URL> [Step ...]\n");
    exit(2);
}
$Only = array_slice($argv, 3);

function Wanted(string $Step): bool
{
    global $Only;
    return !$Only || in_array($Step, $Only, true);
}

if ($Mode === 'wsdl') {
    $Client = new SoapClient($URL, [
        'trace'      => true,              // keeps the last request and response headers for the report below
        'exceptions' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,   // a WSDL cached from another server on the same URL would be reused
        'encoding'   => 'UTF-8',
    ]);
} else {
    $Client = new SoapClient(null, [
        'location'   => $URL,
        'uri'        => NAMESPACE_URI,     // SOAPAction becomes "<uri>#<Operation>", as SOAP::Lite sends it
        'style'      => SOAP_RPC,
        'use'        => SOAP_ENCODED,
        'trace'      => true,
        'exceptions' => true,
        'encoding'   => 'UTF-8',
    ]);
}

/**
 * Calls an operation with named fields. A list value (array with keys 0..n-1) of a repeatable field is sent as the
 * field repeated once per item, the way OTRS expects DynamicField and UserPreferences.
 */
function CallOperation(string $Operation, array $Fields)
{
    global $Client, $Mode;

    if ($Mode === 'wsdl') {
        // document/literal: SoapClient builds the request element from the WSDL and repeats list items itself.
        return $Client->$Operation($Fields);
    }

    $Params = [];
    foreach ($Fields as $Name => $Value) {
        if (is_array($Value) && array_is_list($Value) && in_array($Name, ['DynamicField', 'UserPreferences'], true)) {
            foreach ($Value as $Item) {
                $Params[] = new SoapParam($Item, $Name);   // an associative array: an Apache Map
            }
        }
        else {
            $Params[] = new SoapParam($Value, $Name);
        }
    }
    return $Client->__soapCall($Operation, $Params);
}

/**
 * The customer-user record of CustomerUserUpdateResponse as an associative array; a field with several values
 * (a multiselect dynamic field) is a list, as in OTRS.
 *
 * Non-WSDL mode: SoapClient already turns every child element into a property, repeated ones into an array.
 * WSDL mode: the WSDL declares the fixed fields, but DynamicField_<Name> (and further preferences) are only known
 * at run time and are declared as "any element". SoapClient returns the declared fields as properties and puts the
 * undeclared elements, as raw XML, into the property "any" (from the first undeclared element on it also repeats
 * the declared fields that follow; they are already properties and are skipped here).
 */
function CustomerUserRecord($Record): ?array
{
    if (!is_object($Record)) {
        return null;
    }
    $Result = get_object_vars($Record);
    unset($Result['any']);
    if (isset($Record->any)) {
        // SimpleXML (Debian php-xml) reads the fragment; its elements have no prefix, so no namespace is needed.
        $Fragments = is_array($Record->any) ? $Record->any : [$Record->any];
        $Xml = simplexml_load_string('<CustomerUser>' . implode('', $Fragments) . '</CustomerUser>');
        $Extra = [];
        foreach ($Xml->children() as $Name => $Element) {
            if (!array_key_exists($Name, $Result)) {
                $Extra[$Name][] = (string) $Element;
            }
        }
        foreach ($Extra as $Name => $Values) {
            $Result[$Name] = count($Values) === 1 ? $Values[0] : $Values;
        }
    }
    ksort($Result, SORT_STRING);
    return $Result;
}

/**
 * Runs one operation and reports what the caller saw. SoapClient's return value differs between the modes: with
 * the WSDL it is the response element as an object ({SessionID: ...} or {Error: {...}}); in non-WSDL RPC mode it is
 * the only child's value when the response has one child (the SessionID string, or the Error object itself, hence
 * the usual `isset($Result->ErrorCode)` check) and an array of all children otherwise.
 */
function Call(string $Operation, array $Fields): array
{
    global $Client;

    $Report = ['Operation' => $Operation];
    try {
        $Returned = CallOperation($Operation, $Fields);
        $Report['Returned'] = $Returned;
    }
    catch (SoapFault $Fault) {
        $Report['Fault'] = ['faultcode' => $Fault->faultcode, 'faultstring' => $Fault->getMessage()];
        $Returned = null;
    }

    $ResponseHeaders = (string) $Client->__getLastResponseHeaders();
    if (preg_match('{^HTTP/\S+\s+(\d{3})}', $ResponseHeaders, $Match)) {
        $Report['HTTPStatus'] = (int) $Match[1];
    }
    if (preg_match('{^SOAPAction:\s*(.*?)\s*$}mi', (string) $Client->__getLastRequestHeaders(), $Match)) {
        $Report['SOAPAction'] = $Match[1];
    }
    $Report['Request'] = $Client->__getLastRequest();

    // Where the parts of the answer are, in either mode.
    $Error = null;
    if (is_object($Returned) && isset($Returned->ErrorCode)) {
        $Error = $Returned;                                   // non-WSDL: the Error element was the only child
    }
    elseif (is_object($Returned) && isset($Returned->Error)) {
        $Error = $Returned->Error;                            // WSDL
    }
    $Report['Error'] = $Error;

    if ($Operation === 'CustomerUserUpdate' && !$Error) {
        $Response = is_array($Returned) ? (object) $Returned : $Returned;
        $Report['ID'] = $Response->ID ?? null;
        $Report['CustomerUser'] = CustomerUserRecord($Response->CustomerUser ?? null);
    }
    return $Report;
}

/** The single value of a response that has one (SessionID, AccessToken), in either mode. */
function Value(array $Report, string $Name): string
{
    $Returned = $Report['Returned'] ?? null;
    if (is_string($Returned)) {
        return $Returned;
    }
    return is_object($Returned) && isset($Returned->$Name) ? (string) $Returned->$Name : '';
}

$Output = [];

// (a) SessionCreate with the agent's credentials.
$Output['SessionCreate'] = Call('SessionCreate', ['UserLogin' => USER_LOGIN, 'Password' => PASSWORD]);
$SessionID = Value($Output['SessionCreate'], 'SessionID');

// (b) CustomerUserUpdate with the SessionID: names (one of them non-ASCII), a text dynamic field, a multiselect
//     with two values and two preferences.
if (Wanted('UpdateWithSessionID')) {
    $Output['UpdateWithSessionID'] = Call('CustomerUserUpdate', [
        'SessionID'       => $SessionID,
        'ID'              => CUSTOMER,
        'UserFirstname'   => 'Ada',
        'UserLastname'    => 'Müller',
        'DynamicField'    => [
            ['Name' => 'Department', 'Value' => 'Research & Development <R&D>'],
            ['Name' => 'Skills',     'Value' => ['SQL', 'Perl']],
        ],
        'UserPreferences' => [
            ['Key' => 'TimeZone', 'Value' => 'Europe/Berlin'],
            ['Key' => 'Language', 'Value' => 'de'],
        ],
    ]);
}

// (c) AccessTokenCreate, then CustomerUserUpdate with the AccessToken: a single Value for the multiselect field
//     replaces its two values.
if (Wanted('AccessTokenCreate') || Wanted('UpdateWithAccessToken')) {
    $Output['AccessTokenCreate'] = Call('AccessTokenCreate', ['UserLogin' => USER_LOGIN, 'Password' => PASSWORD]);
    $AccessToken = Value($Output['AccessTokenCreate'], 'AccessToken');

    if (Wanted('UpdateWithAccessToken')) {
        $Output['UpdateWithAccessToken'] = Call('CustomerUserUpdate', [
            'AccessToken'  => $AccessToken,
            'ID'           => CUSTOMER,
            'UserCity'     => 'Köln',
            'DynamicField' => [
                ['Name' => 'Skills', 'Value' => 'Perl'],
            ],
        ]);
    }
}

// (d) SessionCreate with a wrong password: a business error (HTTP 200, Error block), not a SoapFault.
if (Wanted('SessionCreateWrongPassword')) {
    $Output['SessionCreateWrongPassword'] = Call('SessionCreate', ['UserLogin' => USER_LOGIN, 'Password' => PASSWORD . 'x']);
}

// (e) CustomerUserUpdate with ValidID 7: a business error, and nothing may be stored. SoapClient does not check the
//     WSDL's 1..3 restriction on ValidID, so the value reaches the server, which refuses it.
if (Wanted('UpdateInvalidValidID')) {
    $Output['UpdateInvalidValidID'] = Call('CustomerUserUpdate', [
        'SessionID'     => $SessionID,
        'ID'            => CUSTOMER,
        'UserFirstname' => 'Must Not Be Stored',
        'UserLastname'  => 'Nicht Gespeichert',
        'ValidID'       => 7,
    ]);
}

$Output['Mode'] = $Mode;
$Output['PHPVersion'] = PHP_VERSION;
$Output['SoapExtensionVersion'] = phpversion('soap');
$Output['LibXMLVersion'] = LIBXML_DOTTED_VERSION;

echo json_encode($Output, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR), "\n";
exit(0);
