#!/usr/bin/perl
# An HR system's agent provisioning through the GenericInterface, written the way SOAP::Lite integrations call
# OTRS (SOAP::Data elements in the request, SOAP::Deserializer on the answer): SessionCreate, UserAdd with groups,
# a role and a licence module, UserGet with Fields and FieldProperties, a UserUpdate the field rights refuse,
# UserUpdate retiring and restoring; then
# the times of an agent imported from OTRS read in Europe/Berlin (TimeZone), and an error message in German (Language).
# It runs against a fresh demo server (npm start; the role Support and the imported agent night-shift are demo
# data) started with the two settings it shows: LICENCE_MODULES=reporting:1 FIELD_RIGHTS=User.UserTitle:stats.
# Usage: perl otrs-agent-provisioning.pl <endpoint URL>. Prints one JSON document with every step's answer.
use strict;
use warnings;

use SOAP::Lite;
use JSON::PP;

my $URL = shift @ARGV or die "usage: $0 <endpoint URL>\n";
my $NameSpace = 'http://www.otrs.org/TicketConnector/';
my $SOAPObject = SOAP::Lite->uri($NameSpace)->proxy( $URL, timeout => 30 );

sub Call {
    my ( $Operation, @Params ) = @_;
    my $SOM = $SOAPObject->call( $Operation => @Params );
    return { Fault => scalar $SOM->faultstring() } if $SOM->fault();
    my $Body = SOAP::Deserializer->deserialize( $SOAPObject->transport()->http_response()->content() )->body();
    return $Body->{"${Operation}Response"};
}

sub Group {
    my ( $Name, @Permissions ) = @_;
    return SOAP::Data->name( Group => \SOAP::Data->value( SOAP::Data->name( Name => $Name ), map { SOAP::Data->name( Permission => $_ ) } @Permissions ) );
}

my %Out;
my $SessionID = Call( 'SessionCreate', SOAP::Data->name( UserLogin => 'demo-agent' ), SOAP::Data->name( Password => 'DemoAgent1!' ) )->{SessionID};
my @Session = ( SOAP::Data->name( SessionID => $SessionID ) );

$Out{UserAdd} = Call(
    'UserAdd', @Session,
    SOAP::Data->name( Login => 'perl-agent' ), SOAP::Data->name( UserFirstname => 'Pearl' ), SOAP::Data->name( UserLastname => 'Lite' ),
    SOAP::Data->name( UserEmail => 'pearl@acme-demo.test' ), SOAP::Data->name( ValidID => 1 ), SOAP::Data->name( UserPassword => 'Pearl-Pass-2026' ),
    Group( 'users', 'ro', 'rw' ), Group( 'stats', 'ro' ), SOAP::Data->name( Role => 'Support' ), SOAP::Data->name( Licence => 'reporting' ),
);
my $UserID = $Out{UserAdd}->{UserID};
$Out{UserGet} = Call( 'UserGet', @Session, SOAP::Data->name( UserID => $UserID ), SOAP::Data->name( Fields => 'UserLogin,Group,Role,Licence' ),
    SOAP::Data->name( FieldProperties => 1 ) );
$Out{TitleRefused} = Call( 'UserUpdate', @Session, SOAP::Data->name( UserID => $UserID ), SOAP::Data->name( UserTitle => 'Dr.' ) );
$Out{Retire} = Call( 'UserUpdate', @Session, SOAP::Data->name( UserID => $UserID ), SOAP::Data->name( Deleted => 1 ),
    SOAP::Data->name( DeletedReason => 'moved on' ), SOAP::Data->name( Fields => 'ValidID,Deleted,DeletedReason' ) );
$Out{Restore} = Call( 'UserUpdate', @Session, SOAP::Data->name( UserID => $UserID ), SOAP::Data->name( Deleted => 0 ),
    SOAP::Data->name( ValidID => 1 ), SOAP::Data->name( Fields => 'ValidID,Deleted' ) );
$Out{Login} = Call( 'SessionCreate', SOAP::Data->name( UserLogin => 'perl-agent' ), SOAP::Data->name( Password => 'Pearl-Pass-2026' ) );

my @Times = ( SOAP::Data->name( Login => 'night-shift' ), SOAP::Data->name( Fields => 'CreateTime,ChangeTime,UserLastLoginTimestamp' ) );
$Out{TimesStored} = Call( 'UserGet', @Session, @Times );
$Out{TimesBerlin} = Call( 'UserGet', @Session, @Times, SOAP::Data->name( TimeZone => 'Europe/Berlin' ) );
$Out{ErrorGerman} = Call( 'UserGet', @Session, SOAP::Data->name( Login => 'nobody' ), SOAP::Data->name( Language => 'de' ) );

print JSON::PP->new->utf8->canonical->encode( \%Out );
