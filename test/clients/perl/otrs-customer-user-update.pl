#!/usr/bin/perl
# A legacy SOAP::Lite client, written the way integrators write them after the OTRS sample client
# (otrs.SOAPRequest.pl): SOAP::Lite->uri($NameSpace)->proxy($URL), SOAP::Data parameters, $SOAPObject->call(),
# then the raw HTTP response deserialized with SOAP::Deserializer. Nothing here knows about this server: it must
# work against it exactly as it works against OTRS.
#
# Usage: perl otrs-customer-user-update.pl <endpoint URL> [Step ...]
# Without steps every call below runs, in order. With steps only those run (SessionCreate always runs, because the
# other calls need its SessionID); the test uses that to repeat the failing update on its own.
# Prints ONE JSON document on stdout: for every call, the response data (the hash inside <Op>Response), the fault,
# the HTTP status, and the xsi:type SOAP::Lite gave the interesting request fields (so a reader can see which
# values travelled as xsd:string and which SOAP::Lite auto-typed as xsd:base64Binary).
use strict;
use warnings;
use utf8;    # the non-ASCII literals below are characters, as in a UTF-8 source file of a real integration

use SOAP::Lite;
use JSON::PP;

my $URL = shift @ARGV or die "usage: $0 <endpoint URL>\n";
my $NameSpace = 'http://www.otrs.org/TicketConnector/';
my $UserLogin = 'demo-agent';
my $Password  = 'DemoAgent1!';
my $Customer  = 'cust1';
my %Only      = map { $_ => 1 } @ARGV;

sub Wanted {
    my ($Step) = @_;
    return !%Only || $Only{$Step};
}

# One client object for all calls, as in the sample. The SOAPAction it sends is "<NameSpace>#<Operation>".
my $SOAPObject = SOAP::Lite->uri($NameSpace)->proxy($URL, timeout => 30);

# Runs one operation and returns what the caller saw.
sub Call {
    my ( $Operation, @Params ) = @_;

    my %Result = ( Operation => $Operation );
    my $SOM = eval { $SOAPObject->call( $Operation => @Params ) };
    my $CallError = $@;

    # The transport keeps the last HTTP response; LWP links it to the request that was sent.
    my $HTTPResponse = $SOAPObject->transport()->http_response();
    my $HTTPRequest  = $HTTPResponse ? $HTTPResponse->request() : undef;
    $Result{HTTPStatus} = $HTTPResponse ? $HTTPResponse->code() : undef;

    # Which xsi:type SOAP::Lite wrote for the fields the test cares about.
    if ($HTTPRequest) {
        my $RequestXML = $HTTPRequest->content();
        my %Types;
        for my $Field (qw(UserLastname UserFirstname UserCity ValidID)) {
            if ( $RequestXML =~ m{<(?:\w+:)?$Field\b[^>]*?\bxsi:type="([^"]+)"} ) {
                $Types{$Field} = $1;
            }
        }
        $Result{RequestTypes} = \%Types;
    }

    if ($CallError) {
        # SOAP::Lite dies on transport errors that carry no SOAP envelope.
        $CallError =~ s/\s+\z//;
        $Result{TransportError} = $CallError;
        return \%Result;
    }

    if ( $SOM->fault() ) {
        $Result{Fault} = {
            faultcode   => scalar $SOM->faultcode(),
            faultstring => scalar $SOM->faultstring(),
        };
        return \%Result;
    }

    # As in the sample: deserialize the response content and drop the <Op>Response wrapper key.
    my $XMLResponse  = $HTTPResponse->content();
    my $Deserialized = eval { SOAP::Deserializer->deserialize($XMLResponse) };
    if ( !$Deserialized ) {
        $Result{DeserializeError} = "$@";
        return \%Result;
    }
    my $Body = $Deserialized->body();
    for my $ResponseKey ( sort keys %{$Body} ) {
        $Result{ResponseName} = $ResponseKey;
        $Result{Data}         = $Body->{$ResponseKey};
    }

    # The other way of reading a result: $SOM->result is the first child of the response element.
    $Result{FirstResult} = $SOM->result();

    return \%Result;
}

# SOAP::Data helpers in the style of the OTRS documentation.
sub DynamicField {
    my ( $Name, @Values ) = @_;
    return SOAP::Data->name(
        'DynamicField' => \SOAP::Data->value(
            SOAP::Data->name( 'Name' => $Name ),
            map { SOAP::Data->name( 'Value' => $_ )->type('string') } @Values,
        ),
    );
}

sub UserPreference {
    my ( $Key, $Value ) = @_;
    return SOAP::Data->name(
        'UserPreferences' => \SOAP::Data->value(
            SOAP::Data->name( 'Key'   => $Key ),
            SOAP::Data->name( 'Value' => $Value ),
        ),
    );
}

my %Output;

# (a) SessionCreate with the agent's credentials.
$Output{SessionCreate} = Call(
    'SessionCreate',
    SOAP::Data->name('UserLogin')->value($UserLogin),
    SOAP::Data->name('Password')->value($Password),
);
my $SessionID = ref $Output{SessionCreate}->{Data} eq 'HASH' ? $Output{SessionCreate}->{Data}->{SessionID} : undef;
$SessionID //= '';

# (b) CustomerUserUpdate with the SessionID: names (non-ASCII sent as xsd:string, as integrators do),
#     two dynamic fields (one with two values) and two preferences.
if ( Wanted('UpdateWithSessionID') ) {
    $Output{UpdateWithSessionID} = Call(
        'CustomerUserUpdate',
        SOAP::Data->name('SessionID')->value($SessionID),
        SOAP::Data->name('ID')->value($Customer),
        SOAP::Data->name('UserFirstname')->value('Ada')->type('string'),
        SOAP::Data->name('UserLastname')->value('Müller')->type('string'),
        DynamicField( 'Department', 'Research & Development <R&D>' ),
        DynamicField( 'Skills',     'SQL', 'Perl' ),
        UserPreference( 'TimeZone', 'Europe/Berlin' ),
        UserPreference( 'Language', 'de' ),
    );
}

# (c) AccessTokenCreate, then CustomerUserUpdate with the AccessToken. The non-ASCII last name is left to
#     SOAP::Lite: its autotyping sends it as xsd:base64Binary (the UTF-8 bytes, base64-encoded); UserCity is typed
#     base64 explicitly.
if ( Wanted('AccessTokenCreate') || Wanted('UpdateWithAccessToken') ) {
    $Output{AccessTokenCreate} = Call(
        'AccessTokenCreate',
        SOAP::Data->name('UserLogin')->value($UserLogin),
        SOAP::Data->name('Password')->value($Password),
    );
    my $AccessToken = ref $Output{AccessTokenCreate}->{Data} eq 'HASH' ? $Output{AccessTokenCreate}->{Data}->{AccessToken} : undef;
    $AccessToken //= '';

    if ( Wanted('UpdateWithAccessToken') ) {
        $Output{UpdateWithAccessToken} = Call(
            'CustomerUserUpdate',
            SOAP::Data->name('AccessToken')->value($AccessToken),
            SOAP::Data->name('ID')->value($Customer),
            SOAP::Data->name('UserLastname')->value('Schröder'),
            SOAP::Data->name('UserCity')->value('Köln')->type('base64'),
        );
    }
}

# (d) CustomerUserUpdate with UserLogin + Password; the last name goes back to Müller, auto-typed as base64.
if ( Wanted('UpdateWithUserLogin') ) {
    $Output{UpdateWithUserLogin} = Call(
        'CustomerUserUpdate',
        SOAP::Data->name('UserLogin')->value($UserLogin),
        SOAP::Data->name('Password')->value($Password),
        SOAP::Data->name('ID')->value($Customer),
        SOAP::Data->name('UserFirstname')->value('Ada Augusta'),
        SOAP::Data->name('UserLastname')->value('Müller'),
    );
}

# (e) SessionCreate with a wrong password: a business error (HTTP 200, Error block).
if ( Wanted('SessionCreateWrongPassword') ) {
    $Output{SessionCreateWrongPassword} = Call(
        'SessionCreate',
        SOAP::Data->name('UserLogin')->value($UserLogin),
        SOAP::Data->name('Password')->value( $Password . 'x' ),
    );
}

# (f) CustomerUserUpdate with an invalid ValidID: a business error, and nothing may be stored.
if ( Wanted('UpdateInvalidValidID') ) {
    $Output{UpdateInvalidValidID} = Call(
        'CustomerUserUpdate',
        SOAP::Data->name('SessionID')->value($SessionID),
        SOAP::Data->name('ID')->value($Customer),
        SOAP::Data->name('UserFirstname')->value('Must Not Be Stored'),
        SOAP::Data->name('UserLastname')->value('Nicht Gespeichert'),
        SOAP::Data->name('ValidID')->value(7),
    );
}

$Output{SOAPLiteVersion} = $SOAP::Lite::VERSION;

print JSON::PP->new()->utf8()->canonical()->pretty()->allow_nonref()->encode( \%Output );
exit 0;
