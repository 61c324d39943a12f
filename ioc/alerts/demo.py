def seed_alerts(stdout=None):
    """Filled in by the alerts demo data (rules and the events the seeded breaches opened)."""
