#!/usr/bin/perl
# A SOAP::Lite client that administers customers through the OTRS/Znuny GenericInterface: a CRM's day, written the
# way integrators write them after the OTRS sample client (otrs.SOAPRequest.pl): SOAP::Lite->uri($NameSpace)
# ->proxy($URL), SOAP::Data parameters, $SOAPObject->call(), then the raw HTTP response deserialized with
# SOAP::Deserializer. It creates two companies (CustomerCompanyCreate, and CustomerCompanyAdd with the add-on's
# nested CustomerCompany form), three customer users (CustomerUserCreate with dynamic fields and preferences, a
# draft without password, and CustomerUserAdd with the add-on's nested CustomerUser form), finds and reads them
# (CustomerUserSearch, CustomerUserGet, CustomerCompanySearch, CustomerCompanyGet), runs into the errors an
# integration meets, deactivates and activates accounts against the licence pool, and renames both companies (in the
# OTRS backend's form and in the add-on's nested form).
#
# Usage: perl otrs-customer-admin.pl <endpoint URL> [Step ...]
# Without steps every step below runs, in order. With steps only those run. The agent logs in with SessionCreate,
# unless OTRS_SESSION_ID names a session to reuse (the test suite does that, so a run of a single step logs in
# nobody and changes nothing but what the step itself does).
# Prints ONE JSON document on stdout: for every step, the operation, the HTTP status, the request envelope as sent,
# and the response data (the hash inside <Op>Response) or the fault.
use strict;
use warnings;
use utf8;

use Encode qw(decode);
use SOAP::Lite;
use JSON::PP;

my $URL = shift @ARGV or die "usage: $0 <endpoint URL> [Step ...]\n";
my $NameSpace = 'http://www.otrs.org/TicketConnector/';
my $UserLogin = 'demo-agent';
my $Password  = 'DemoAgent1!';
my %Only      = map { $_ => 1 } @ARGV;

sub Wanted {
    my ($Step) = @_;
    return !%Only || $Only{$Step};
}

# One client object for all calls, as in the sample. The SOAPAction it sends is "<NameSpace>#<Operation>".
my $SOAPObject = SOAP::Lite->uri($NameSpace)->proxy( $URL, timeout => 30 );

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
    $Result{Request}    = $HTTPRequest ? decode( 'UTF-8', $HTTPRequest->content() ) : undef;

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

    # As in the sample: deserialize the response content and drop the <Op>Response wrapper key. An empty search
    # result is the nil response element, which deserializes to undef.
    my $Deserialized = eval { SOAP::Deserializer->deserialize( $HTTPResponse->content() ) };
    if ( !$Deserialized ) {
        $Result{DeserializeError} = "$@";
        return \%Result;
    }
    my $Body = $Deserialized->body();
    for my $ResponseKey ( sort keys %{$Body} ) {
        $Result{ResponseName} = $ResponseKey;
        $Result{Data}         = $Body->{$ResponseKey};
    }

    return \%Result;
}

# SOAP::Data helpers in the style of the OTRS documentation.
sub Param {
    my ( $Name, $Value ) = @_;
    return SOAP::Data->name( $Name => $Value );
}

sub Struct {
    my ( $Name, @Children ) = @_;
    return SOAP::Data->name( $Name => \SOAP::Data->value(@Children) );
}

sub DynamicField {
    my ( $Name, @Values ) = @_;
    return Struct( 'DynamicField', Param( Name => $Name ), map { SOAP::Data->name( 'Value' => $_ )->type('string') } @Values );
}

sub UserPreference {
    my ( $Key, $Value ) = @_;
    return Struct( 'UserPreferences', Param( Key => $Key ), Param( Value => $Value ) );
}

my %Output;
my %Steps;
my @Order;

# Declares a step: its name and the call it makes (run later, in declaration order, if wanted).
sub Step {
    my ( $Name, $Code ) = @_;
    push @Order, $Name;
    $Steps{$Name} = $Code;
    return;
}

my $SessionID = $ENV{OTRS_SESSION_ID} // '';
sub Session { return Param( SessionID => $SessionID ) }

# --- companies -------------------------------------------------------------------------------------------------

Step(
    CompanyCreate => sub {
        Call(
            'CustomerCompanyCreate', Session(),
            Param( CustomerID             => 'Globex' ),
            Param( CustomerCompanyName    => 'Globex Corporation' ),
            Param( CustomerCompanyStreet  => '1 Hammock District' ),
            Param( CustomerCompanyCity    => 'Cypress Creek' ),
            Param( CustomerCompanyCountry => 'USA' ),
            Param( ValidID                => 1 ),
            DynamicField( 'AccountManager', 'Hank Scorpio' ),
        );
    }
);

# The add-on spelling with the add-on's form: the company's fields inside CustomerCompany.
Step(
    CompanyAdd => sub {
        Call(
            'CustomerCompanyAdd', Session(),
            Struct(
                'CustomerCompany',
                Param( CustomerID             => 'Initech' ),
                Param( CustomerCompanyName    => 'Initech LLC' ),
                Param( CustomerCompanyCity    => 'Zürich' ),
                Param( CustomerCompanyComment => 'TPS reports & staplers' ),
                Param( ValidID                => 1 ),
            ),
        );
    }
);

# --- customer users --------------------------------------------------------------------------------------------

# A valid customer user with a password, two dynamic fields (the multiselect with two values) and preferences.
Step(
    UserCreate => sub {
        Call(
            'CustomerUserCreate', Session(),
            Param( CustomerUserLogin => 'globex.hank' ),
            Param( UserFirstname     => 'Hank' ),
            Param( UserLastname      => 'Scorpio' ),
            Param( UserEmail         => 'hank@globex.test' ),
            Param( UserCustomerID    => 'Globex' ),
            Param( UserPassword      => 'Globex-Pass-2026' ),
            Param( ValidID           => 1 ),
            DynamicField( 'Department', 'Research & Development' ),
            DynamicField( 'Skills',     'SQL', 'Perl' ),
            UserPreference( 'TimeZone', 'America/Chicago' ),
            UserPreference( 'Language', 'en' ),
        );
    }
);

# A draft: invalid, without a password (it cannot log in, so it cannot be made valid yet).
Step(
    UserCreateDraft => sub {
        Call(
            'CustomerUserCreate', Session(),
            Param( CustomerUserLogin => 'globex.mindy' ),
            Param( UserFirstname     => 'Mindy' ),
            Param( UserLastname      => 'Simmons' ),
            Param( UserEmail         => 'mindy@globex.test' ),
            Param( UserCustomerID    => 'Globex' ),
            Param( ValidID           => 2 ),
        );
    }
);

# The add-on spelling with the add-on's form: the record inside CustomerUser, the login as UserLogin.
Step(
    UserAdd => sub {
        Call(
            'CustomerUserAdd', Session(),
            Struct(
                'CustomerUser',
                Param( UserLogin      => 'initech.peter' ),
                Param( UserFirstname  => 'Peter' ),
                Param( UserLastname   => 'Gibbons' ),
                Param( UserEmail      => 'peter@initech.test' ),
                Param( UserCustomerID => 'Initech' ),
                Param( UserPassword   => 'Initech-Pass-2026' ),
                Param( ValidID        => 2 ),
            ),
            DynamicField( 'Skills', 'TypeScript' ),
        );
    }
);

# --- finding and reading ---------------------------------------------------------------------------------------

Step(
    UserSearch => sub {
        Call(
            'CustomerUserSearch', Session(),
            Param( CustomerUserLogin => 'globex.*' ),
            Param( Valid             => 0 ),
            Param( SortBy            => 'UserLogin' ),
            Param( OrderBy           => 'Up' ),
        );
    }
);

# Two sort keys, paired by position with two directions.
Step(
    UserSearchSorted => sub {
        Call(
            'CustomerUserSearch', Session(),
            Param( UserEmail => '*.test' ),
            Param( Valid     => 0 ),
            Param( SortBy    => 'UserCustomerID' ), Param( SortBy  => 'UserLogin' ),
            Param( OrderBy   => 'Up' ),             Param( OrderBy => 'Down' ),
        );
    }
);

# Valid customer users only (the default).
Step(
    UserSearchValid => sub {
        Call( 'CustomerUserSearch', Session(), Param( UserCustomerID => 'glob*' ) );
    }
);

# No match (initech.peter is not valid yet): the nil response element, which SOAP::Lite reads as undef.
Step(
    UserSearchNone => sub {
        Call( 'CustomerUserSearch', Session(), Param( CustomerUserLogin => 'initech.*' ) );
    }
);

# Several logins: repeated, and comma-separated inside one value; an unknown one is skipped.
Step(
    UserGet => sub {
        Call(
            'CustomerUserGet', Session(),
            Param( CustomerUserID => 'globex.hank' ),
            Param( CustomerUserID => 'initech.peter,globex.mindy' ),
            Param( CustomerUserID => 'nobody' ),
            Param( DynamicFields  => 1 ),
        );
    }
);

Step(
    CompanySearch => sub {
        Call(
            'CustomerCompanySearch', Session(),
            Param( CustomerCompanyName => '*c*' ),
            Param( SortBy              => 'CustomerCompanyName' ),
            Param( OrderBy             => 'Up' ),
        );
    }
);

# The default order: CustomerID descending.
Step(
    CompanySearchDefaultOrder => sub {
        Call( 'CustomerCompanySearch', Session(), Param( CustomerCompanyName => '*c*' ) );
    }
);

Step(
    CompanyGet => sub {
        Call( 'CustomerCompanyGet', Session(), Param( CustomerID => 'Globex,initech' ), Param( DynamicFields => 1 ) );
    }
);

# --- errors an integration meets: each answered with HTTP 200 and an Error block, and nothing is stored -----------

Step(
    ErrorMissingParameter => sub {
        Call(
            'CustomerUserCreate', Session(),
            Param( CustomerUserLogin => 'globex.lenny' ),
            Param( UserFirstname     => 'Lenny' ),
            Param( UserLastname      => 'Leonard' ),
            Param( UserCustomerID    => 'Globex' ),
            Param( ValidID           => 2 ),
        );
    }
);

Step(
    ErrorLoginInUse => sub {
        Call(
            'CustomerUserAdd', Session(),
            Struct(
                'CustomerUser',
                Param( UserLogin      => 'GLOBEX.HANK' ),
                Param( UserFirstname  => 'Hank' ),
                Param( UserLastname   => 'Again' ),
                Param( UserEmail      => 'hank.again@globex.test' ),
                Param( UserCustomerID => 'Globex' ),
                Param( ValidID        => 2 ),
            ),
        );
    }
);

Step(
    ErrorCustomerIDInUse => sub {
        Call(
            'CustomerCompanyCreate', Session(),
            Param( CustomerID          => 'globex' ),
            Param( CustomerCompanyName => 'Globex Two' ),
            Param( ValidID             => 1 ),
        );
    }
);

Step(
    ErrorCompanyNameInUse => sub {
        Call(
            'CustomerCompanyUpdate', Session(),
            Param( CustomerID          => 'Initech' ),
            Param( CustomerCompanyName => 'GLOBEX CORPORATION' ),
            Param( CustomerCompanyCity => 'Austin' ),
        );
    }
);

Step(
    ErrorInvalidValidID => sub {
        Call(
            'CustomerUserCreate', Session(),
            Param( CustomerUserLogin => 'globex.lenny' ),
            Param( UserFirstname     => 'Lenny' ),
            Param( UserLastname      => 'Leonard' ),
            Param( UserEmail         => 'lenny@globex.test' ),
            Param( UserCustomerID    => 'Globex' ),
            Param( ValidID           => 9 ),
        );
    }
);

Step(
    ErrorCompanyInvalidValidID => sub {
        Call( 'CustomerCompanyUpdate', Session(), Param( CustomerID => 'Initech' ), Param( CustomerCompanyCity => 'Austin' ), Param( ValidID => 4 ) );
    }
);

Step(
    ErrorCannotActivate => sub {
        Call( 'CustomerUserUpdate', Session(), Param( ID => 'globex.mindy' ), Param( UserFirstname => 'Mindy Ann' ), Param( ValidID => 1 ) );
    }
);

Step(
    ErrorUserNotFound => sub {
        Call( 'CustomerUserGet', Session(), Param( CustomerUserID => 'nobody,no.one' ) );
    }
);

Step(
    ErrorCompanyNotFound => sub {
        Call( 'CustomerCompanyUpdate', Session(), Param( CustomerID => 'Umbrella' ), Param( CustomerCompanyCity => 'Raccoon City' ) );
    }
);

# A valid account must have an address that passes OTRS's check (@example.com is refused by default).
Step(
    ErrorInvalidEmail => sub {
        Call(
            'CustomerUserCreate', Session(),
            Param( CustomerUserLogin => 'globex.lenny' ),
            Param( UserFirstname     => 'Lenny' ),
            Param( UserLastname      => 'Leonard' ),
            Param( UserEmail         => 'lenny@example.com' ),
            Param( UserCustomerID    => 'Globex' ),
            Param( UserPassword      => 'Globex-Pass-2026' ),
            Param( ValidID           => 1 ),
        );
    }
);

Step(
    ErrorEmailInUse => sub {
        Call( 'CustomerUserUpdate', Session(), Param( ID => 'globex.mindy' ), Param( UserEmail => 'HANK@globex.test' ) );
    }
);

Step(
    ErrorInvalidParameter => sub {
        Call( 'CustomerUserSearch', Session(), Param( UserLastname => 'S*' ), Param( SortBy => 'UserEmail' ) );
    }
);

# A session that does not exist (an expired one looks the same).
Step(
    ErrorAuthFail => sub {
        Call( 'CustomerCompanySearch', Param( SessionID => 'NoSuchSession0000000000000000000' ), Param( CustomerCompanyName => '*' ) );
    }
);

# --- the licence pool ------------------------------------------------------------------------------------------

Step(
    UserDeactivate => sub {
        Call( 'CustomerUserUpdate', Session(), Param( ID => 'globex.hank' ), Param( ValidID => 2 ) );
    }
);

Step(
    UserActivate => sub {
        Call( 'CustomerUserUpdate', Session(), Param( ID => 'initech.peter' ), Param( ValidID => 1 ) );
    }
);

Step(
    ErrorLicenceExceeded => sub {
        Call( 'CustomerUserUpdate', Session(), Param( ID => 'globex.hank' ), Param( ValidID => 1 ) );
    }
);

# --- renaming a company: its customer users move along ---------------------------------------------------------

# CustomerCompanyID names the company, CustomerID is its new id; the city is cleared (xsi:nil).
Step(
    CompanyRename => sub {
        Call(
            'CustomerCompanyUpdate', Session(),
            Param( CustomerCompanyID   => 'Globex' ),
            Param( CustomerID          => 'GLX' ),
            Param( CustomerCompanyCity => undef ),
        );
    }
);

Step(
    UserSearchMoved => sub {
        Call( 'CustomerUserSearch', Session(), Param( UserCustomerID => 'GLX' ), Param( Valid => 0 ) );
    }
);

Step(
    UserGetMoved => sub {
        Call( 'CustomerUserGet', Session(), Param( CustomerUserID => 'globex.hank' ), Param( DynamicFields => 1 ) );
    }
);

# The add-on's form of a rename: the current id as CustomerID, the new one (and other changes) inside CustomerCompany.
Step(
    CompanyRenameNested => sub {
        Call(
            'CustomerCompanyUpdate', Session(),
            Param( CustomerID => 'Initech' ),
            Struct( 'CustomerCompany', Param( CustomerID => 'Initech-LLC' ), Param( CustomerCompanyCity => 'Austin' ) ),
        );
    }
);

# --- the day ---------------------------------------------------------------------------------------------------

if ( $SessionID eq '' ) {
    $Output{SessionCreate} = Call( 'SessionCreate', Param( UserLogin => $UserLogin ), Param( Password => $Password ) );
    my $Data = $Output{SessionCreate}->{Data};
    $SessionID = ( ref $Data eq 'HASH' ? $Data->{SessionID} : undef ) // '';
}

for my $Step (@Order) {
    $Output{$Step} = $Steps{$Step}->() if Wanted($Step);
}

$Output{SOAPLiteVersion} = $SOAP::Lite::VERSION;

print JSON::PP->new()->utf8()->canonical()->pretty()->allow_nonref()->encode( \%Output );
exit 0;
