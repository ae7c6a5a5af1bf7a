<?php
// How a PHP SoapClient integration (WSDL mode) tells the answers of the OTRS/Znuny GenericInterface apart, built
// from the WSDL the server publishes at <endpoint>?wsdl:
//   - a business error (wrong credentials, a missing or invalid parameter) is an ordinary answer, HTTP 200, whose
//     Error property holds ErrorCode and ErrorMessage;
//   - a Fault (HTTP 500: the request never reached an operation) is thrown as SoapFault. SoapClient recognises only
//     a standard soap:Fault, which the server writes when the web service has StandardFaults; with OTRS's own Fault
//     shape the call returns NULL and throws nothing.
//
// Usage: php otrs-error-answers.php <WSDL URL> <calls.json>
//   calls.json: a list of {"Name": ..., "Operation": ..., "Fields": {...}}; each call runs on its own.
// Prints ONE JSON document: for every call by Name, the HTTP status and either the Error, the SoapFault (code and
// text), or what the call returned when it had no Error.
// (Debian: apt-get install php-cli php-soap.)

if ($argc !== 3) {
    fwrite(STDERR, "usage: php {$argv[0]} <WSDL URL> <calls.json>\n");
    exit(2);
}

$client = new SoapClient($argv[1], ['trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
$calls = json_decode(file_get_contents($argv[2]), true);

$output = [];
foreach ($calls as $spec) {
    $result = ['Operation' => $spec['Operation']];
    try {
        $response = $client->__soapCall($spec['Operation'], [$spec['Fields']]);
        // Objects all the way down, as plain JSON.
        $plain = json_decode(json_encode($response), true);
        if (is_array($plain) && array_key_exists('Error', $plain)) {
            $result['Error'] = $plain['Error'];
        } else {
            $result['Returned'] = $plain;
        }
    } catch (SoapFault $fault) {
        $result['Fault'] = ['faultcode' => $fault->faultcode, 'faultstring' => $fault->faultstring];
    }
    $headers = (string) $client->__getLastResponseHeaders();
    $result['HTTPStatus'] = preg_match('/^HTTP\/\S+ (\d+)/', $headers, $m) ? (int) $m[1] : null;
    $output[$spec['Name']] = $result;
}

echo json_encode($output, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
