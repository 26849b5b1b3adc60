"""One module per screen: the visit, the service picker, one per service kind, the
tender, the supervisor's approval, the lock screen."""
